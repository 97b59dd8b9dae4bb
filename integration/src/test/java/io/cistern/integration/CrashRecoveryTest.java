package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's crash-safety proof, end to end: the appliance runs as its own process ({@code java -jar
 * daemon/build/cistern.jar run --config FILE}) with a file pool and a sparse volume LUN; this JVM is the
 * initiator. Each cycle:
 * <ol>
 * <li>starts the appliance on the pool the previous cycle killed (its own recovery at open);</li>
 * <li>reads the whole LUN back over iSCSI and checks every sector against the durability model (below);</li>
 * <li>pipelines random WRITE(10)s (512-byte granular offsets, 1 to 64 sectors, so partial 4K grains go
 *     through the pool's read-modify-write), some with FUA, UNMAPs of any alignment now and then (LBPRZ=1:
 *     they read as zeros; the pool zeroes partial grains), and a SYNCHRONIZE CACHE now and then, up to 16
 *     commands outstanding;</li>
 * <li>SIGKILLs the appliance at a random moment while commands are in flight;</li>
 * <li>copies the killed pool (file and RocksDB directory) and opens the copy in this JVM to run
 *     {@link Pool#check()}: no leaked, lost or doubly-owned extent. The original stays untouched for the next
 *     cycle's start, so the daemon itself recovers from every crash state.</li>
 * </ol>
 * The model, per 512-byte sector: the writes to it (an UNMAP counts as a write of zeros) in the order issued (two writes to overlapping ranges are
 * never outstanding at once, so that order is the execution order), starting from a baseline. A write is
 * <em>durable</em> once it is acknowledged with FUA, or acknowledged before a SYNCHRONIZE CACHE was sent that
 * then completed; a durable write becomes the sector's baseline, dropping everything before it. After a crash a
 * sector must hold its baseline or any write issued after it (acknowledged or not, since a later write may or
 * may not have reached stable storage), never anything older, torn or foreign. What the restarted appliance
 * serves becomes the next baseline.
 *
 * <p>Cycles: {@code -Dcistern.crash.cycles=N} (default 100 when the class is run directly; the integration
 * pom sets 10 for {@code mvn verify}: a cycle takes 1.5 to 2.5 s on two cores, so 100 take about 4 minutes). Seed:
 * {@code -Dcistern.crash.seed=S} (printed at start and in every failure). Failures name the cycle and seed;
 * the work directory (pool, logs) of a failed run is kept and printed.
 */
class CrashRecoveryTest {
    private static final String IQN = "iqn.2026-11.io.cistern:crash";
    private static final int SECTOR = 512;
    private static final long VOLUME = 32L << 20;
    private static final int SECTORS = (int) (VOLUME / SECTOR);
    private static final int DEPTH = 16;
    private static final int MAX_WRITE_SECTORS = 64; // 32 KiB: always fits in immediate data

    @TempDir
    Path dir;

    /** Per sector: the baseline write id (index 0) and every write issued after it, in order. 0 = zeros. */
    private final List<List<Long>> history = new ArrayList<>();
    /** Sectors of each write not yet durable (or dropped), by write id. */
    private final Map<Long, long[]> extents = new HashMap<>();
    /** Ids that are UNMAPs: their sectors read as zeros (write id 0). */
    private final java.util.Set<Long> unmaps = new java.util.HashSet<>();
    private long nextWriteId = 1;
    private DaemonProcess daemon;
    private int port;

    @Test
    void everyDurableWriteSurvivesSigkill() throws Exception {
        int cycles = Integer.getInteger("cistern.crash.cycles", 100);
        long seed = Long.getLong("cistern.crash.seed", System.nanoTime());
        System.out.printf("CrashRecoveryTest: %d cycles, -Dcistern.crash.seed=%d, work dir %s%n", cycles, seed, dir);
        Random rnd = new Random(seed);
        for (int s = 0; s < SECTORS; s++) {
            List<Long> h = new ArrayList<>(2);
            h.add(0L);
            history.add(h);
        }
        long totalWrites = 0;
        long totalDurable = 0;
        long started = System.nanoTime();
        boolean ok = false;
        try {
            for (int cycle = 0; cycle <= cycles; cycle++) {
                long t0 = System.nanoTime();
                int commitMs = new int[] {2, 20, 200, 1000}[rnd.nextInt(4)];
                start(commitMs);
                String where = "cycle " + cycle + " (seed " + seed + ")";
                try (RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
                    c.login(RawIscsiClient.normalLoginKeys(IQN));
                    c.clearUnitAttentions();
                    verify(c, where);
                    if (cycle == cycles) {
                        break; // the last start only verifies
                    }
                    Burst b = burst(c, rnd, where);
                    totalWrites += b.writes + b.unmaps;
                    totalDurable += b.durable;
                    System.out.printf("%s: commit %d ms, %d writes (%d FUA), %d unmaps, %d flushes, %d durable, killed after %d ms"
                            + " with %d outstanding; cycle took %d ms%n", where, commitMs, b.writes, b.fua, b.unmaps, b.flushes,
                            b.durable, b.killedAfterMs, b.outstanding, (System.nanoTime() - t0) / 1_000_000);
                }
                check(where);
            }
            ok = true;
        } finally {
            stop();
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("CrashRecoveryTest: %s after %d ms (%d ms per cycle), %d writes and unmaps, %d made durable;"
                    + " seed %d%n", ok ? "passed" : "FAILED", ms, ms / Math.max(1, cycles), totalWrites, totalDurable,
                    seed);
            if (!ok) {
                Path keep = Files.createTempDirectory("cistern-crash-failed-");
                Exec.run(Duration.ofSeconds(120), "cp", "-a", "--sparse=always", dir.toString(), keep.toString());
                System.out.println("CrashRecoveryTest: work dir of the failed run kept in " + keep);
            }
        }
    }

    // ---- the appliance process ----

    private void start(int commitMs) throws Exception {
        port = DaemonProcess.freePort();
        String conf = """
                cistern {
                  data-dir = "%s"
                  api.listen = ["127.0.0.1:0"]
                  targets.crash {
                    iqn = "%s"
                    portals = ["127.0.0.1:%d"]
                    luns = [ { lun = 0, volume = "tank/v" } ]
                  }
                  pools.tank {
                    file = "tank.pool"
                    size = 256M
                    commit-interval = %dms
                    volumes { v { size = %d, sparse = true } }
                  }
                }
                """.formatted(dir.resolve("data"), IQN, port, commitMs, VOLUME);
        Path confFile = dir.resolve("cistern.conf");
        Files.writeString(confFile, conf);
        daemon = DaemonProcess.start(System.getProperty("cistern.crash.jvm", DaemonProcess.DEFAULT_JVM),
                dir.resolve("daemon.log"), "run", "--config", confFile.toString()).awaitListening(port);
    }

    private void stop() throws InterruptedException {
        if (daemon != null) {
            daemon.close();
        }
    }

    // ---- the consistency check, on a copy of the killed pool ----

    private void check(String where) throws Exception {
        Path copy = dir.resolve("check");
        Exec.run(Duration.ofSeconds(60), "rm", "-rf", copy.toString()).orThrow();
        Files.createDirectories(copy);
        Path data = dir.resolve("data");
        Exec.run(Duration.ofSeconds(120), "cp", "-a", "--sparse=always", data.resolve("tank.pool").toString(),
                data.resolve("tank.meta").toString(), copy.toString()).orThrow();
        try (Pool pool = Pool.openDevice(copy.resolve("tank.pool"), copy.resolve("tank.meta"), PoolConfig.defaults())) {
            CheckReport report = pool.check();
            assertTrue(report.clean(), () -> where + ": pool check after SIGKILL: " + report.problems());
        }
    }

    // ---- the write burst ----

    private static final class Burst {
        int writes;
        int fua;
        int unmaps;
        int flushes;
        long durable;
        long killedAfterMs;
        int outstanding;
    }

    /**
     * One outstanding command: a write (its id, negative with FUA; first sector, sector count, data), an unmap
     * (its id, sectors, no data) or a flush (the writes and unmaps it covers).
     */
    private record Pending(long writeId, int sector, int count, byte[] data, List<Long> covers) {
    }

    private Burst burst(RawIscsiClient c, Random rnd, String where) throws Exception {
        Burst b = new Burst();
        Map<Integer, Pending> outstanding = new HashMap<>(); // by ITT
        LinkedHashSet<Long> ackedNotDurable = new LinkedHashSet<>();
        long killAfterMs = rnd.nextInt(8) == 0 ? rnd.nextInt(30) : 30 + rnd.nextInt(1200);
        boolean hot = rnd.nextBoolean(); // half the cycles write a 1 MiB region over and over
        int region = hot ? (1 << 20) / SECTOR : SECTORS;
        int regionStart = hot ? rnd.nextInt(SECTORS - region) : 0;
        int fuaPercent = rnd.nextInt(40);
        long t0 = System.nanoTime();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        killer.schedule(() -> {
            daemon.process().destroyForcibly();
            return null;
        }, killAfterMs, TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < 200_000 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20); i++) {
                if (outstanding.size() < DEPTH) {
                    if (rnd.nextInt(25) == 0) {
                        ScsiCommandPdu cmd = c.command(RawIscsiClient.cdb10(0x35, 0, 0), false, false, true, 0,
                                Unpooled.EMPTY_BUFFER);
                        outstanding.put(cmd.initiatorTaskTag(), new Pending(0, 0, 0, null, new ArrayList<>(ackedNotDurable)));
                        c.send(cmd);
                        b.flushes++;
                        continue;
                    }
                    if (rnd.nextInt(20) == 0) { // UNMAP of any alignment: LBPRZ=1, so it reads as zeros
                        int count = 1 + rnd.nextInt(256);
                        int sector = regionStart + rnd.nextInt(region - count + 1);
                        if (!overlaps(outstanding, sector, count)) {
                            long id = nextWriteId++;
                            unmaps.add(id);
                            for (int s = 0; s < count; s++) {
                                history.get(sector + s).add(id);
                            }
                            extents.put(id, new long[] {sector, count});
                            byte[] list = new byte[24];
                            ByteBuffer.wrap(list).putShort((short) 22).putShort((short) 16).putInt(0)
                                    .putLong(sector).putInt(count);
                            byte[] cdb = new byte[10];
                            cdb[0] = 0x42;
                            cdb[8] = (byte) list.length;
                            ScsiCommandPdu cmd = c.command(cdb, false, true, true, list.length,
                                    Unpooled.wrappedBuffer(list));
                            outstanding.put(cmd.initiatorTaskTag(), new Pending(id, sector, count, null, null));
                            c.send(cmd);
                            b.unmaps++;
                            continue;
                        }
                    }
                    int count = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? MAX_WRITE_SECTORS : 8);
                    int sector = regionStart + rnd.nextInt(region - count + 1);
                    if (rnd.nextBoolean()) {
                        sector &= ~7; // half the writes whole 4K grains
                    }
                    if (!overlaps(outstanding, sector, count)) {
                        boolean fua = rnd.nextInt(100) < fuaPercent;
                        long id = nextWriteId++;
                        byte[] data = new byte[count * SECTOR];
                        for (int s = 0; s < count; s++) {
                            fill(data, s * SECTOR, id, sector + s);
                            history.get(sector + s).add(id);
                        }
                        extents.put(id, new long[] {sector, count});
                        byte[] cdb = RawIscsiClient.cdb10(0x2a, sector, count);
                        if (fua) {
                            cdb[1] |= 0x08;
                            b.fua++;
                        }
                        int immediate = Math.min(data.length, Math.min(c.targetMaxRecv(), 65536));
                        ScsiCommandPdu cmd = c.command(cdb, false, true, true, data.length,
                                Unpooled.wrappedBuffer(data, 0, immediate));
                        outstanding.put(cmd.initiatorTaskTag(), new Pending(fua ? -id : id, sector, count, data, null));
                        c.send(cmd);
                        b.writes++;
                        continue;
                    }
                }
                Pdu p = c.read();
                if (p == null) {
                    break; // killed
                }
                try {
                    handle(p, outstanding, ackedNotDurable, b, c, where);
                } finally {
                    ReferenceCountUtil.release(p);
                }
            }
        } catch (IOException killedMidway) {
            // the appliance died under a send or a read: everything outstanding stays in flight
        } finally {
            killer.shutdownNow();
        }
        b.killedAfterMs = killAfterMs;
        b.outstanding = outstanding.size();
        daemon.kill();
        return b;
    }

    private void handle(Pdu p, Map<Integer, Pending> outstanding, LinkedHashSet<Long> ackedNotDurable, Burst b,
                        RawIscsiClient c, String where) throws IOException {
        if (p instanceof R2t r2t) {
            Pending w = outstanding.get(r2t.initiatorTaskTag());
            int chunk = c.targetMaxRecv();
            int end = r2t.bufferOffset() + r2t.desiredDataTransferLength();
            int dataSn = 0;
            for (int off = r2t.bufferOffset(); off < end; off += chunk) {
                int len = Math.min(chunk, end - off);
                c.send(new DataOut(off + len == end, 0, r2t.initiatorTaskTag(), r2t.targetTransferTag(),
                        c.expStatSn(), dataSn++, off, Unpooled.wrappedBuffer(w.data(), off, len)));
            }
            return;
        }
        if (p instanceof NopIn) {
            return;
        }
        if (!(p instanceof ScsiResponsePdu r)) {
            fail(where + ": unexpected PDU " + p);
            return;
        }
        Pending done = outstanding.remove(r.initiatorTaskTag());
        if (done == null) {
            fail(where + ": response for unknown task " + r.initiatorTaskTag());
        }
        if (r.status() != 0) {
            fail(where + ": command failed with status " + r.status() + " (" + (done.covers() != null ? "flush"
                    : done.data() == null ? "unmap " + done.writeId() : "write " + Math.abs(done.writeId())) + ")");
        }
        if (done.covers() != null) { // SYNCHRONIZE CACHE: every write acknowledged before it was sent
            for (long id : done.covers()) {
                b.durable += durable(id);
                ackedNotDurable.remove(id);
            }
        } else if (done.writeId() < 0) { // FUA
            b.durable += durable(-done.writeId());
        } else {
            ackedNotDurable.add(done.writeId());
        }
    }

    private static boolean overlaps(Map<Integer, Pending> outstanding, int sector, int count) {
        for (Pending p : outstanding.values()) {
            if (p.covers() == null && sector < p.sector() + p.count() && p.sector() < sector + count) {
                return true;
            }
        }
        return false;
    }

    /** Write {@code id} is durable: in each of its sectors it becomes the baseline (unless already superseded). */
    private int durable(long id) {
        long[] e = extents.remove(id);
        if (e == null) {
            return 0;
        }
        for (int s = (int) e[0]; s < e[0] + e[1]; s++) {
            List<Long> h = history.get(s);
            int at = h.indexOf(id);
            if (at > 0) {
                h.subList(0, at).clear();
            }
        }
        return 1;
    }

    // ---- read-back ----

    private void verify(RawIscsiClient c, String where) throws IOException {
        int chunk = 512; // sectors per READ(10): 256 KiB
        for (int lba = 0; lba < SECTORS; lba += chunk) {
            RawIscsiClient.ScsiResult r = c.read10(lba, chunk);
            if (r.status() != 0) {
                fail(where + ": READ(10) at " + lba + " failed: status " + r.status() + " sense key " + r.senseKey());
            }
            for (int s = 0; s < chunk; s++) {
                int sector = lba + s;
                long id = identify(r.data(), s * SECTOR, sector, where);
                List<Long> h = history.get(sector);
                if (!h.contains(id) && !(id == 0 && h.stream().anyMatch(unmaps::contains))) {
                    fail(where + ": sector " + sector + " holds write " + id + " but may only hold one of " + h
                            + " (first is the last durable write, 0 = never written)");
                }
                h.clear();
                h.add(id); // what the recovered appliance serves is the new baseline
            }
        }
        extents.clear();
        unmaps.clear();
    }

    /** The write id whose content {@code data[at..at+512)} is, failing on torn or foreign bytes. */
    private static long identify(byte[] data, int at, int sector, String where) {
        ByteBuffer b = ByteBuffer.wrap(data, at, SECTOR);
        long id = b.getLong();
        if (id == 0) {
            for (int i = at; i < at + SECTOR; i++) {
                if (data[i] != 0) {
                    fail(where + ": sector " + sector + " is neither zeros nor a whole write (torn or foreign)");
                }
            }
            return 0;
        }
        byte[] expected = new byte[SECTOR];
        fill(expected, 0, id, sector);
        for (int i = 0; i < SECTOR; i++) {
            if (data[at + i] != expected[i]) {
                fail(where + ": sector " + sector + " starts like write " + id + " but differs at byte " + i
                        + " (torn, misplaced or foreign)");
            }
        }
        return id;
    }

    /** Sector content of write {@code id} at {@code sector}: id, sector, then bytes derived from both. */
    private static void fill(byte[] into, int at, long id, int sector) {
        ByteBuffer b = ByteBuffer.wrap(into, at, SECTOR);
        b.putLong(id).putLong(sector);
        long x = id * 0x9E3779B97F4A7C15L ^ sector * 0xC2B2AE3D27D4EB4FL | 1;
        while (b.hasRemaining()) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(x);
        }
    }
}
