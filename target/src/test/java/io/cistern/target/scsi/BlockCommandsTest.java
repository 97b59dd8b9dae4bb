package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.BLOCKS;
import static io.cistern.target.scsi.Harness.cdb;
import static io.cistern.target.scsi.Harness.filled;
import static io.cistern.target.scsi.Harness.rw10;
import static io.cistern.target.scsi.Harness.rw16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cistern.target.backend.MemoryBackend;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockCommandsTest {

    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clearAttentions(A);
    }

    @Test
    void writeThenReadEveryCdbSize() {
        h.run(rw10(0x2A, 10, 2), filled(2 * BLOCK, 'a')).good();
        assertArrayEquals(filled(2 * BLOCK, 'a'), h.run(rw10(0x28, 10, 2)).good().data());
        h.run(rw16(0x8A, 20, 1), filled(BLOCK, 'b')).good();
        assertArrayEquals(filled(BLOCK, 'b'), h.run(rw16(0x88, 20, 1)).good().data());
        byte[] read12 = cdb(0xA8, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0);
        assertArrayEquals(filled(BLOCK, 'b'), h.run(read12).good().data());
        h.run(cdb(0x0A, 0, 0, 30, 1, 0), filled(BLOCK, 'c')).good();
        Harness.Result r = h.run(cdb(0x08, 0, 0, 30, 1, 0)).good();
        assertArrayEquals(filled(BLOCK, 'c'), r.data());
        assertEquals(BLOCK, r.transferLength());
    }

    @Test
    void read6OfZeroBlocksMeans256() {
        assertEquals(256 * BLOCK, h.run(cdb(0x08, 0, 0, 0, 0, 0)).good().data().length);
    }

    @Test
    void zeroBlocksTransferNothing() {
        Harness.Result r = h.run(rw10(0x28, 0, 0)).good();
        assertNull(r.data());
        h.run(rw10(0x2A, BLOCKS, 0), null).good(); // at the very end: still in range
    }

    @Test
    void beyondCapacityIsLbaOutOfRange() {
        Harness.Result r = h.run(rw10(0x28, BLOCKS - 1, 2)).sense(0x05, 0x21, 0x00);
        assertEquals(BLOCKS - 1, r.information());
        h.run(rw16(0x88, -1L, 1)).sense(0x05, 0x21, 0x00);
        h.run(rw16(0x8A, BLOCKS, 1), filled(BLOCK, 0)).sense(0x05, 0x21, 0x00);
    }

    @Test
    void protectionFieldsAreRefused() {
        byte[] read = rw10(0x28, 0, 1);
        read[1] = (byte) 0x20;
        h.run(read).sense(0x05, 0x24, 0x00);
        byte[] write = rw10(0x2A, 0, 1);
        write[1] = (byte) 0x40;
        h.run(write, filled(BLOCK, 0)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void shortDataOutWritesOnlyTheWholeBlocksSent() {
        h.run(rw10(0x2A, 0, 2), filled(2 * BLOCK, 'a')).good();
        Harness.Result partial = h.run(Harness.A, 0, rw10(0x2A, 0, 2), filled(BLOCK, 'b'), BLOCK).good();
        assertEquals(2 * BLOCK, partial.transferLength()); // so the fabric reports the overflow
        assertEquals(BLOCK, h.run(Harness.A, 0, rw10(0x2A, 0, 1), null, 0).good().transferLength());
        h.run(Harness.A, 0, rw10(0x2A, 1, 1), filled(200, 'c'), 200).good(); // a partial block is never written
        byte[] data = h.run(rw10(0x28, 0, 2)).good().data();
        assertArrayEquals(filled(BLOCK, 'b'), Arrays.copyOf(data, BLOCK));
        assertArrayEquals(filled(BLOCK, 'a'), Arrays.copyOfRange(data, BLOCK, 2 * BLOCK));
    }

    @Test
    void longerDataOutWritesOnlyWhatTheCdbSays() {
        h.run(rw10(0x2A, 0, 2), filled(2 * BLOCK, 'a')).good();
        Harness.Result r = h.run(rw10(0x2A, 0, 1), filled(2 * BLOCK, 'b')).good();
        assertEquals(BLOCK, r.transferLength());
        byte[] data = h.run(rw10(0x28, 0, 2)).good().data();
        assertArrayEquals(filled(BLOCK, 'b'), Arrays.copyOf(data, BLOCK));
        assertArrayEquals(filled(BLOCK, 'a'), Arrays.copyOfRange(data, BLOCK, 2 * BLOCK));
    }

    @Test
    void verifyComparesAndReportsTheOffset() {
        h.run(rw10(0x2A, 5, 2), filled(2 * BLOCK, 'v')).good();
        byte[] verify = rw10(0x2F, 5, 2);
        h.run(verify).good(); // BYTCHK 0: readable
        verify[1] = 0x02;     // BYTCHK 1
        h.run(verify, filled(2 * BLOCK, 'v')).good();
        byte[] wrong = filled(2 * BLOCK, 'v');
        wrong[700] = 'x';
        assertEquals(700, h.run(verify, wrong).sense(0x0E, 0x1D, 0x00).information());
        verify[1] = 0x04;     // BYTCHK 2 is reserved
        h.run(verify).sense(0x05, 0x24, 0x00);
    }

    @Test
    void writeAndVerifyWrites() {
        byte[] wv = rw16(0x8E, 7, 1);
        wv[1] = 0x02;
        h.run(wv, filled(BLOCK, 'w')).good();
        assertArrayEquals(filled(BLOCK, 'w'), h.run(rw10(0x28, 7, 1)).good().data());
    }

    @Test
    void readCapacity() {
        Harness.Result r10 = h.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).good();
        assertEquals(BLOCKS - 1, r10.u32(0));
        assertEquals(BLOCK, r10.u32(4));
        h.run(cdb(0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0)).sense(0x05, 0x24, 0x00); // LBA without PMI
        Harness.Result r16 = h.run(cdb(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)).good();
        assertEquals(32, r16.data().length);
        assertEquals(BLOCKS - 1, r16.u64(0));
        assertEquals(BLOCK, r16.u32(8));
        assertEquals(3, r16.u8(13));          // 8 logical blocks per 4 KiB grain
        assertEquals(0xC0, r16.u8(14));       // LBPME, LBPRZ
        h.run(cdb(0x9E, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void readCapacity10SaturatesForHugeUnits() {
        Harness big = new Harness(new MemoryBackend(1L << 33, BLOCK));
        big.clearAttentions(A);
        assertEquals(0xFFFFFFFFL, big.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).good().u32(0));
    }

    @Test
    void synchronizeCacheAndPreFetchCheckTheRange() {
        h.run(rw10(0x35, 0, 10)).good();
        h.run(rw16(0x91, BLOCKS, 1)).sense(0x05, 0x21, 0x00);
        h.run(rw10(0x34, 0, 10)).good();
        h.run(rw16(0x90, BLOCKS - 1, 2)).sense(0x05, 0x21, 0x00);
    }

    @Test
    void writeSameWritesTheBlockEverywhere() {
        h.run(rw10(0x41, 100, 3), filled(BLOCK, 's')).good();
        assertArrayEquals(filled(3 * BLOCK, 's'), h.run(rw10(0x28, 100, 3)).good().data());
        h.run(rw10(0x41, 100, 0), filled(BLOCK, 's')).sense(0x05, 0x24, 0x00);     // WSNZ
        h.run(rw10(0x41, BLOCKS, 1), filled(BLOCK, 's')).sense(0x05, 0x21, 0x00);
        h.run(rw10(0x41, 0, 1), filled(2 * BLOCK, 's')).sense(0x05, 0x0E, 0x03);   // not one block
        byte[] anchor = rw10(0x41, 0, 1);
        anchor[1] = 0x18;
        h.run(anchor, filled(BLOCK, 0)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void writeSameWithUnmapDeallocates() {
        h.run(rw10(0x2A, 0, 16), filled(16 * BLOCK, 'u')).good();
        int before = h.memory.allocatedGrains();
        byte[] ws = rw16(0x93, 0, 16);
        ws[1] = 0x08; // UNMAP
        h.run(ws, new byte[BLOCK]).good();
        assertEquals(before - 2, h.memory.allocatedGrains());
        assertArrayEquals(new byte[16 * BLOCK], h.run(rw10(0x28, 0, 16)).good().data());
        ws[1] = 0x09; // UNMAP + NDOB
        h.run(ws, null).good();
    }

    @Test
    void unmapParsesItsParameterList() {
        h.run(rw10(0x2A, 8, 8), filled(8 * BLOCK, 'm')).good();
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(8, 8)).good();
        assertArrayEquals(new byte[8 * BLOCK], h.run(rw10(0x28, 8, 8)).good().data());
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0), null).good();                      // nothing sent
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 4, 0), new byte[4]).sense(0x05, 0x1A, 0x00);
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(BLOCKS, 1)).sense(0x05, 0x21, 0x00);
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(BLOCKS, 0)).good();
        h.run(cdb(0x42, 1, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(0, 1)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void getLbaStatusFollowsUnmap() {
        h.run(rw10(0x2A, 0, 16), filled(16 * BLOCK, 'g')).good();
        h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(8, 8)).good();
        Harness.Result mapped = h.run(lbaStatus(0)).good();
        assertEquals(20, mapped.u32(0));
        assertEquals(0, mapped.u64(8));
        assertEquals(8, mapped.u32(16));
        assertEquals(0, mapped.u8(20));
        Harness.Result unmapped = h.run(lbaStatus(9)).good();
        assertEquals(9, unmapped.u64(8));
        assertEquals(1, unmapped.u8(20));
        h.run(lbaStatus(BLOCKS)).sense(0x05, 0x21, 0x00);
    }

    @Test
    void compareAndWrite() {
        h.run(rw10(0x2A, 3, 1), filled(BLOCK, 'A')).good();
        byte[] caw = cdb(0x89, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0);
        byte[] pair = new byte[2 * BLOCK];
        Arrays.fill(pair, 0, BLOCK, (byte) 'A');
        Arrays.fill(pair, BLOCK, 2 * BLOCK, (byte) 'B');
        h.run(caw, pair).good();
        assertArrayEquals(filled(BLOCK, 'B'), h.run(rw10(0x28, 3, 1)).good().data());
        Harness.Result miss = h.run(caw, pair).sense(0x0E, 0x1D, 0x00); // disk holds B, we expect A
        assertEquals(0, miss.information());
        pair = filled(2 * BLOCK, 'B');
        pair[BLOCK - 27] = 'C';
        assertEquals(BLOCK - 27, h.run(caw, pair).sense(0x0E, 0x1D, 0x00).information());
        h.run(Harness.A, 0, caw, filled(2 * BLOCK, 'B'), 4 * BLOCK).sense(0x05, 0x0E, 0x03);
    }

    @Test
    void writeCacheDisabledStillWrites() {
        byte[] cachingPage = h.run(cdb(0x1A, 0x08, 0x08, 0, 255, 0)).good().data();
        byte[] select = Arrays.copyOf(cachingPage, cachingPage.length);
        select[0] = 0;
        select[4 + 2] &= ~0x04; // WCE off
        h.run(cdb(0x15, 0x10, 0, 0, select.length, 0), select).good();
        h.run(rw10(0x2A, 0, 1), filled(BLOCK, 'f')).good();
        assertArrayEquals(filled(BLOCK, 'f'), h.run(rw10(0x28, 0, 1)).good().data());
    }

    @Test
    void readOnlyUnitRefusesWrites() {
        Harness ro = new Harness(new MemoryBackend(BLOCKS, BLOCK, 4096, true));
        ro.clearAttentions(A);
        ro.run(rw10(0x2A, 0, 1), filled(BLOCK, 0)).sense(0x07, 0x27, 0x00);
        ro.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmapList(0, 1)).sense(0x07, 0x27, 0x00);
        ro.run(rw10(0x28, 0, 1)).good();
        assertEquals(0x80, ro.run(cdb(0x1A, 0, 0x3F, 0, 255, 0)).good().u8(2) & 0x80); // WP
    }

    @Test
    void startStopAndPreventAllow() {
        h.run(cdb(0x1B, 0, 0, 0, 1, 0)).good();
        h.run(cdb(0x1E, 0, 0, 0, 1, 0)).good();
        h.run(cdb(0x1E, 0, 0, 0, 2, 0)).sense(0x05, 0x24, 0x00);
    }

    private static byte[] lbaStatus(long lba) {
        return cdb(0x9E, 0x12, (int) (lba >>> 56), (int) (lba >>> 48), (int) (lba >>> 40), (int) (lba >>> 32),
                (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8), (int) lba, 0, 0, 0, 24, 0, 0);
    }

    static byte[] unmapList(long lba, long blocks) {
        byte[] list = new byte[24];
        list[1] = 22;
        list[3] = 16;
        Harness.putInt(list, 8, lba >>> 32);
        Harness.putInt(list, 12, lba);
        Harness.putInt(list, 16, blocks);
        return list;
    }
}
