package io.cistern.target.scsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.backend.MemoryBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Drives a {@link ScsiTargetDevice} with hand-built CDBs, as the fabric would. */
final class Harness {

    static final ItNexus A = new ItNexus("iqn.2026-01.test:a,i,0x1", "iqn.2026-01.test:a",
            "iqn.2026-11.io.cistern:disk,t,0x0001", 1);
    static final ItNexus B = new ItNexus("iqn.2026-01.test:b,i,0x1", "iqn.2026-01.test:b",
            "iqn.2026-11.io.cistern:disk,t,0x0001", 1);
    static final int BLOCK = 512;
    static final long BLOCKS = 4096;

    final ScsiTargetDevice target = new ScsiTargetDevice();
    final MemoryBackend memory;

    Harness() {
        this(new MemoryBackend(BLOCKS, BLOCK));
    }

    Harness(LunBackend backend) {
        this.memory = backend instanceof MemoryBackend m ? m : null;
        target.addLun(0, backend, Set.of());
        target.nexusCreated(A);
        target.nexusCreated(B);
    }

    /** The outcome of one command, with the Data-In copied out and released. */
    record Result(int status, byte[] sense, byte[] data, int transferLength) {

        Result good() {
            assertEquals(ScsiResponse.GOOD, status, () -> "status " + status + " sense " + hex(sense));
            return this;
        }

        Result sense(int key, int asc, int ascq) {
            assertEquals(ScsiResponse.CHECK_CONDITION, status, "status");
            assertNotNull(sense);
            assertEquals(0x70, sense[0] & 0x7F, "fixed format");
            assertArrayEquals(new int[] {key, asc, ascq}, new int[] {sense[2] & 0x0F, sense[12] & 0xFF, sense[13] & 0xFF},
                    () -> "sense " + hex(sense));
            return this;
        }

        long information() {
            return ((sense[3] & 0xFFL) << 24) | ((sense[4] & 0xFF) << 16) | ((sense[5] & 0xFF) << 8) | (sense[6] & 0xFF);
        }

        int u8(int at) {
            return data[at] & 0xFF;
        }

        int u16(int at) {
            return Fields.u16(data, at);
        }

        long u32(int at) {
            return Fields.u32(data, at);
        }

        long u64(int at) {
            return Fields.u64(data, at);
        }

        static String hex(byte[] b) {
            return b == null ? "none" : HexFormat.of().formatHex(b);
        }
    }

    Result run(byte[] cdb) {
        return run(A, 0, cdb, null);
    }

    Result run(byte[] cdb, byte[] dataOut) {
        return run(A, 0, cdb, dataOut);
    }

    Result run(ItNexus nexus, long lun, byte[] cdb, byte[] dataOut) {
        int expected = dataOut == null ? 0 : dataOut.length;
        return run(nexus, lun, cdb, dataOut, expected);
    }

    Result run(ItNexus nexus, long lun, byte[] cdb, byte[] dataOut, int expectedLength) {
        return await(start(nexus, lun, cdb, dataOut, expectedLength));
    }

    /** Starts a command; the Data-Out buffer is released once the response arrives, as the fabric does. */
    CompletionStage<Result> start(ItNexus nexus, long lun, byte[] cdb, byte[] dataOut, int expectedLength) {
        ByteBuf out = dataOut == null ? null : Unpooled.directBuffer(dataOut.length).writeBytes(dataOut);
        ScsiCommand cmd = new ScsiCommand(nexus, lun, cdb, ScsiCommand.TaskAttribute.SIMPLE, expectedLength,
                dataOut == null, dataOut != null, out);
        return target.execute(cmd).thenApply(r -> {
            if (out != null) {
                out.release();
            }
            byte[] data = null;
            if (r.dataIn() != null) {
                data = ByteBufUtil.getBytes(r.dataIn());
                r.dataIn().release();
            }
            return new Result(r.status(), r.sense(), data, r.transferLength());
        });
    }

    static Result await(CompletionStage<Result> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Clears the POWER ON unit attention of a nexus. */
    void clearAttentions(ItNexus nexus) {
        clearAttentions(nexus, 0);
    }

    void clearAttentions(ItNexus nexus, long lun) {
        while (run(nexus, lun, new byte[] {0x00, 0, 0, 0, 0, 0}, null).status() != ScsiResponse.GOOD) {
            // each TEST UNIT READY reports one
        }
    }

    // ---- CDB builders

    static byte[] cdb(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    static byte[] rw10(int opcode, long lba, int blocks) {
        byte[] c = new byte[10];
        c[0] = (byte) opcode;
        putInt(c, 2, lba);
        c[7] = (byte) (blocks >>> 8);
        c[8] = (byte) blocks;
        return c;
    }

    static byte[] rw16(int opcode, long lba, long blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        putInt(c, 2, lba >>> 32);
        putInt(c, 6, lba);
        putInt(c, 10, blocks);
        return c;
    }

    static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
