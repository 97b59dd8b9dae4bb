package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.B;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.cdb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.backend.MemoryBackend;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrimaryCommandsTest {

    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clearAttentions(A);
    }

    @Test
    void standardInquiry() {
        Harness.Result r = h.run(cdb(0x12, 0, 0, 0, 255, 0)).good();
        assertEquals(96, r.data().length);
        assertEquals(0x00, r.u8(0));
        assertEquals(0x06, r.u8(2));              // SPC-4
        assertEquals(0x12, r.u8(3));              // HiSup, format 2
        assertEquals(91, r.u8(4));
        assertEquals(0x02, r.u8(7));              // CmdQue
        assertEquals("CISTERN ", new String(r.data(), 8, 8, StandardCharsets.US_ASCII));
        assertEquals(0x0460, r.u16(60));          // SPC-4 version descriptor
        assertEquals(36, h.run(cdb(0x12, 0, 0, 0, 36, 0)).good().data().length);
    }

    @Test
    void inquiryFieldRules() {
        h.run(cdb(0x12, 0x02, 0, 0, 255, 0)).sense(0x05, 0x24, 0x00);  // CmdDt
        h.run(cdb(0x12, 0, 0x80, 0, 255, 0)).sense(0x05, 0x24, 0x00);  // page without EVPD
        h.run(cdb(0x12, 1, 0x42, 0, 255, 0)).sense(0x05, 0x24, 0x00);  // unknown page
    }

    @Test
    void supportedVpdPagesAreSortedAndEachAnswers() {
        Harness.Result r = h.run(cdb(0x12, 1, 0, 0, 255, 0)).good();
        int count = r.u16(2);
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int page = r.u8(4 + i);
            assertTrue(page > previous);
            previous = page;
            Harness.Result p = h.run(cdb(0x12, 1, page, 0, 255, 0)).good();
            assertEquals(page, p.u8(1));
            assertEquals(p.data().length - 4, p.u16(2));
        }
        assertTrue(count >= 7);
    }

    @Test
    void deviceIdentificationIsStableAndUniquePerUnit() {
        byte[] first = h.run(cdb(0x12, 1, 0x83, 0, 255, 0)).good().data();
        assertArrayEquals(first, h.run(cdb(0x12, 1, 0x83, 0, 255, 0)).good().data());
        assertEquals(0x03, first[5] & 0x0F);                // NAA designator first
        assertEquals(6, (first[8] & 0xF0) >>> 4);           // NAA IEEE Registered Extended
        h.target.addLun(1, new MemoryBackend(64, BLOCK), Set.of());
        byte[] second = h.run(A, 1, cdb(0x12, 1, 0x83, 0, 255, 0), null).good().data();
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, 8, 24), Arrays.copyOfRange(second, 8, 24)));
        String all = new String(first, StandardCharsets.UTF_8);
        assertTrue(all.contains(A.targetPort()));
        int relativePort = -1;
        for (int at = 4; at < first.length; at += 4 + (first[at + 3] & 0xFF)) {
            if ((first[at + 1] & 0x3F) == 0x14) { // association target port, relative target port
                relativePort = Fields.u16(first, at + 6);
            }
        }
        assertEquals(A.relativeTargetPort(), relativePort);
    }

    @Test
    void blockLimitsAndProvisioningPages() {
        Harness.Result b0 = h.run(cdb(0x12, 1, 0xB0, 0, 255, 0)).good();
        assertEquals(0x3C, b0.u16(2));
        assertEquals(1, b0.u8(4) & 1);                       // WSNZ
        assertEquals(8, b0.u16(6));                          // 4 KiB grain of 512-byte blocks
        assertTrue(b0.u32(20) > 0 && b0.u32(24) > 0);        // unmap limits
        Harness.Result b2 = h.run(cdb(0x12, 1, 0xB2, 0, 255, 0)).good();
        assertEquals(0xE4, b2.u8(5));                        // LBPU, LBPWS, LBPWS10, LBPRZ
        assertEquals(0x02, b2.u8(6) & 0x07);                 // thin
        Harness.Result b1 = h.run(cdb(0x12, 1, 0xB1, 0, 255, 0)).good();
        assertEquals(1, b1.u16(4));                          // non-rotating
    }

    @Test
    void reportLuns() {
        h.target.addLun(3, new MemoryBackend(64, BLOCK), Set.of());
        Harness.Result r = h.run(cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).good();
        assertEquals(16, r.u32(0));
        assertEquals(0, r.u16(8));
        assertEquals(3, r.u16(16));
        assertEquals(0, h.run(cdb(0xA0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0)).good().u32(0)); // well known only
        h.run(cdb(0xA0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0)).sense(0x05, 0x24, 0x00);
        h.run(cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void absentLun() {
        assertEquals(0x7F, h.run(A, 9, cdb(0x12, 0, 0, 0, 255, 0), null).good().u8(0));
        h.run(A, 9, cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), null).good();
        Harness.Result sense = h.run(A, 9, cdb(0x03, 0, 0, 0, 18, 0), null).good();
        assertEquals(0x25, sense.u8(12));
        h.run(A, 9, cdb(0x00, 0, 0, 0, 0, 0), null).sense(0x05, 0x25, 0x00);
    }

    @Test
    void maskedLunIsInvisible() {
        h.target.addLun(2, new MemoryBackend(64, BLOCK), Set.of(B.initiatorName()));
        assertFalse(h.target.lunVisible(A, 2));
        assertTrue(h.target.lunVisible(B, 2));
        assertEquals(0x7F, h.run(A, 2, cdb(0x12, 0, 0, 0, 255, 0), null).good().u8(0));
        assertEquals(8, h.run(cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).good().u32(0));
        assertEquals(0x00, h.run(B, 2, cdb(0x12, 0, 0, 0, 255, 0), null).good().u8(0));
    }

    @Test
    void unknownOpcodeAndServiceAction() {
        h.run(cdb(0xC0, 0, 0, 0, 0, 0)).sense(0x05, 0x20, 0x00);
        h.run(cdb(0x9E, 0x1F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).sense(0x05, 0x24, 0x00);
        h.run(cdb(0x00, 0, 0, 0, 0, 0x04)).sense(0x05, 0x24, 0x00); // NACA
    }

    @Test
    void unmapIsRefusedWhereTheBackendCannot() {
        h.target.addLun(5, new NoUnmapBackend(new MemoryBackend(64, BLOCK)), Set.of());
        h.clearAttentions(A, 5);
        h.run(A, 5, cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), new byte[24]).sense(0x05, 0x20, 0x00);
        assertEquals(1, h.run(A, 5, cdb(0xA3, 0x0C, 1, 0x42, 0, 0, 0, 0, 1, 0, 0, 0), null).good().u8(1) & 7);
        byte[] writeSameUnmap = Harness.rw10(0x41, 0, 1);
        writeSameUnmap[1] = 0x08;
        h.run(A, 5, writeSameUnmap, new byte[BLOCK]).sense(0x05, 0x24, 0x00);
    }

    @Test
    void modeSenseAllPagesBothSizes() {
        Harness.Result six = h.run(cdb(0x1A, 0, 0x3F, 0, 255, 0)).good();
        assertEquals(six.data().length - 1, six.u8(0));
        assertEquals(8, six.u8(3));                                // block descriptor
        assertEquals(BLOCK, six.u32(8) & 0xFFFFFF);
        assertEquals(0x08, six.u8(12));                            // caching page first
        assertEquals(0x04, six.u8(14) & 0x04);                     // WCE on by default
        Harness.Result ten = h.run(cdb(0x5A, 0x10, 0x3F, 0, 0, 0, 0, 0, 255, 0)).good();
        assertEquals(ten.data().length - 2, ten.u16(0));
        assertEquals(1, ten.u8(4) & 1);                            // LONGLBA
        assertEquals(16, ten.u16(6));
        assertEquals(Harness.BLOCKS, ten.u64(8));
        Harness.Result dbd = h.run(cdb(0x1A, 0x08, 0x0A, 0, 255, 0)).good();
        assertEquals(0, dbd.u8(3));
        assertEquals(0x0A, dbd.u8(4));
        assertEquals(0, dbd.u8(6) & 0x04);                         // D_SENSE off
    }

    @Test
    void modeSenseControls() {
        h.run(cdb(0x1A, 0, 0xC8, 0, 255, 0)).sense(0x05, 0x39, 0x00);        // saved
        h.run(cdb(0x1A, 0, 0x01, 0, 255, 0)).sense(0x05, 0x24, 0x00);        // no such page
        Harness.Result changeable = h.run(cdb(0x1A, 0x08, 0x48, 0, 255, 0)).good();
        assertEquals(0x04, changeable.u8(6));                                // only WCE
        Harness.Result defaults = h.run(cdb(0x1A, 0x08, 0x88, 0, 255, 0)).good();
        assertEquals(0x04, defaults.u8(6));
    }

    @Test
    void modeSelectChangesWceAndRejectsTheRest() {
        byte[] page = h.run(cdb(0x1A, 0x08, 0x08, 0, 255, 0)).good().data();
        page[0] = 0;
        page[6] &= ~0x04;
        h.run(cdb(0x15, 0x10, 0, 0, page.length, 0), page).good();
        assertEquals(0, h.run(cdb(0x1A, 0x08, 0x08, 0, 255, 0)).good().u8(6) & 0x04);
        h.run(B, 0, cdb(0x00, 0, 0, 0, 0, 0), null).sense(0x06, 0x29, 0x00);
        h.run(B, 0, cdb(0x00, 0, 0, 0, 0, 0), null).sense(0x06, 0x2A, 0x01); // MODE PARAMETERS CHANGED
        byte[] bad = page.clone();
        bad[7] = 1;                                                            // not changeable
        h.run(cdb(0x15, 0x10, 0, 0, bad.length, 0), bad).sense(0x05, 0x26, 0x00);
        h.run(cdb(0x15, 0x11, 0, 0, page.length, 0), page).sense(0x05, 0x24, 0x00); // SP
        h.run(cdb(0x15, 0x10, 0, 0, 2, 0), new byte[2]).sense(0x05, 0x1A, 0x00);
    }

    @Test
    void reportSupportedOperationCodes() {
        Harness.Result all = h.run(cdb(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)).good();
        int length = (int) all.u32(0);
        assertEquals(0, length % 8);
        boolean sawRead16 = false;
        for (int at = 4; at < 4 + length; at += 8) {
            sawRead16 |= all.u8(at) == 0x88 && all.u16(at + 6) == 16;
        }
        assertTrue(sawRead16);
        Harness.Result rctd = h.run(cdb(0xA3, 0x0C, 0x80, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)).good();
        assertEquals(0, rctd.u32(0) % 20);
        Harness.Result one = h.run(cdb(0xA3, 0x0C, 1, 0x28, 0, 0, 0, 0, 1, 0, 0, 0)).good();
        assertEquals(3, one.u8(1) & 7);
        assertEquals(10, one.u16(2));
        assertEquals(0x28, one.u8(4));
        assertEquals(1, h.run(cdb(0xA3, 0x0C, 1, 0xC0, 0, 0, 0, 0, 1, 0, 0, 0)).good().u8(1) & 7);
        h.run(cdb(0xA3, 0x0C, 1, 0x9E, 0, 0, 0, 0, 1, 0, 0, 0)).sense(0x05, 0x24, 0x00);
        Harness.Result sa = h.run(cdb(0xA3, 0x0C, 2, 0x9E, 0, 0x10, 0, 0, 1, 0, 0, 0)).good();
        assertEquals(16, sa.u16(2));
        h.run(cdb(0xA3, 0x0C, 2, 0x28, 0, 0, 0, 0, 1, 0, 0, 0)).sense(0x05, 0x24, 0x00);
    }

    @Test
    void reportSupportedTaskManagementFunctions() {
        Harness.Result r = h.run(cdb(0xA3, 0x0D, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0)).good();
        assertEquals(4, r.data().length);
        assertEquals(0x08, r.u8(0) & 0x08); // LURS
    }

    @Test
    void requestSenseWithNothingPending() {
        Harness.Result r = h.run(cdb(0x03, 0, 0, 0, 252, 0)).good();
        assertEquals(0x70, r.u8(0));
        assertEquals(0, r.u8(2));
        assertNotEquals(0, r.data().length);
    }
}
