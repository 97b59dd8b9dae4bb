package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.B;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.cdb;
import static io.cistern.target.scsi.Harness.filled;
import static io.cistern.target.scsi.Harness.rw10;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.target.scsi.ScsiTarget.TaskManagementFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PersistentReservationTest {

    private static final int REGISTER = 0, RESERVE = 1, RELEASE = 2, CLEAR = 3, PREEMPT = 4;
    private static final int WRITE_EXCLUSIVE = 1, EXCLUSIVE_ACCESS = 3;

    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clearAttentions(A);
        h.clearAttentions(B);
    }

    @Test
    void registerAndReadKeys() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(B, REGISTER, 0, 0, 0xBBBB).good();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, out(B, REGISTER, 0, 0x1234, 0xCCCC).status());
        Harness.Result keys = in(A, 0).good();
        assertEquals(16, keys.u32(4));
        assertEquals(0xAAAA, keys.u64(8));
        assertEquals(0xBBBB, keys.u64(16));
        assertEquals(2, keys.u32(0)); // generation counts the two registrations
        out(B, REGISTER, 0, 0xBBBB, 0).good(); // unregister
        assertEquals(8, in(A, 0).good().u32(4));
    }

    @Test
    void writeExclusiveLetsOthersReadButNotWrite() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(A, RESERVE, WRITE_EXCLUSIVE, 0xAAAA, 0).good();
        Harness.Result reservation = in(B, 1).good();
        assertEquals(16, reservation.u32(4));
        assertEquals(0xAAAA, reservation.u64(8));
        assertEquals(WRITE_EXCLUSIVE, reservation.u8(21) & 0x0F);
        h.run(B, 0, rw10(0x28, 0, 1), null).good();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, rw10(0x2A, 0, 1), filled(BLOCK, 1)).status());
        h.run(A, 0, rw10(0x2A, 0, 1), filled(BLOCK, 1)).good();
        out(A, RELEASE, WRITE_EXCLUSIVE, 0xAAAA, 0).good();
        h.run(B, 0, rw10(0x2A, 0, 1), filled(BLOCK, 1)).good();
    }

    @Test
    void exclusiveAccessBlocksReadsAndSurvivesLunReset() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(A, RESERVE, EXCLUSIVE_ACCESS, 0xAAAA, 0).good();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, rw10(0x28, 0, 1), null).status());
        h.run(B, 0, cdb(0x12, 0, 0, 0, 96, 0), null).good();
        h.target.taskManagement(B, TaskManagementFunction.LOGICAL_UNIT_RESET, 0);
        h.clearAttentions(A);
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, rw10(0x28, 0, 1), null).status());
    }

    @Test
    void reserveByUnregisteredOrWrongTypeConflicts() {
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, out(A, RESERVE, WRITE_EXCLUSIVE, 0xAAAA, 0).status());
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(B, REGISTER, 0, 0, 0xBBBB).good();
        out(A, RESERVE, WRITE_EXCLUSIVE, 0xAAAA, 0).good();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, out(B, RESERVE, WRITE_EXCLUSIVE, 0xBBBB, 0).status());
        out(A, RESERVE, 2, 0xAAAA, 0).sense(0x05, 0x24, 0x00);           // type 2 is obsolete
        out(A, RELEASE, EXCLUSIVE_ACCESS, 0xAAAA, 0).sense(0x05, 0x26, 0x04);
    }

    @Test
    void preemptTakesTheReservationAndRemovesTheVictim() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(B, REGISTER, 0, 0, 0xBBBB).good();
        out(A, RESERVE, WRITE_EXCLUSIVE, 0xAAAA, 0).good();
        out(B, PREEMPT, EXCLUSIVE_ACCESS, 0xBBBB, 0xAAAA).good();
        Harness.Result reservation = in(B, 1).good();
        assertEquals(0xBBBB, reservation.u64(8));
        assertEquals(EXCLUSIVE_ACCESS, reservation.u8(21) & 0x0F);
        assertEquals(8, in(B, 0).good().u32(4));
        h.run(A, 0, cdb(0x00, 0, 0, 0, 0, 0), null).sense(0x06, 0x2A, 0x05); // REGISTRATIONS PREEMPTED
    }

    @Test
    void readFullStatusNamesTheHolder() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(B, REGISTER, 0, 0, 0xBBBB).good();
        out(B, RESERVE, WRITE_EXCLUSIVE, 0xBBBB, 0).good();
        Harness.Result status = in(A, 3).good();
        assertEquals(status.data().length - 8, status.u32(4));
        int second = 8 + 24 + (int) status.u32(8 + 20);
        assertEquals(0xAAAA, status.u64(8));
        assertEquals(0, status.u8(8 + 12) & 1);
        assertEquals(0xBBBB, status.u64(second));
        assertEquals(1, status.u8(second + 12) & 1);       // R_HOLDER
        assertEquals(0x05, status.u8(second + 24));         // iSCSI TransportID
    }

    @Test
    void clearRemovesEverything() {
        out(A, REGISTER, 0, 0, 0xAAAA).good();
        out(B, REGISTER, 0, 0, 0xBBBB).good();
        out(A, RESERVE, EXCLUSIVE_ACCESS, 0xAAAA, 0).good();
        out(A, CLEAR, 0, 0xAAAA, 0).good();
        assertEquals(0, in(A, 0).good().u32(4));
        assertEquals(0, in(A, 1).good().u32(4));
        h.run(B, 0, cdb(0x00, 0, 0, 0, 0, 0), null).sense(0x06, 0x2A, 0x03); // RESERVATIONS PREEMPTED
    }

    @Test
    void capabilitiesAndParameterChecks() {
        Harness.Result caps = in(A, 2).good();
        assertEquals(8, caps.u16(0));
        assertEquals(0x80, caps.u8(3) & 0x80);
        in(A, 4).sense(0x05, 0x24, 0x00);
        h.run(A, 0, prOutCdb(REGISTER, 0, 23), new byte[23]).sense(0x05, 0x1A, 0x00);
        byte[] aptpl = params(0, 0xAAAA);
        aptpl[20] = 1;
        h.run(A, 0, prOutCdb(REGISTER, 0, 24), aptpl).sense(0x05, 0x26, 0x00);
    }

    @Test
    void reserve6ConflictsForOthersAndGoesWithTheNexus() {
        h.run(A, 0, cdb(0x16, 0, 0, 0, 0, 0), null).good();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, cdb(0x16, 0, 0, 0, 0, 0), null).status());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, rw10(0x28, 0, 1), null).status());
        h.run(B, 0, cdb(0x17, 0, 0, 0, 0, 0), null).good(); // not the holder: no effect
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, h.run(B, 0, rw10(0x28, 0, 1), null).status());
        h.target.nexusLost(A);
        h.run(B, 0, rw10(0x28, 0, 1), null).good();
    }

    private Harness.Result out(ItNexus nexus, int action, int type, long key, long serviceActionKey) {
        return h.run(nexus, 0, prOutCdb(action, type, 24), params(key, serviceActionKey));
    }

    private Harness.Result in(ItNexus nexus, int action) {
        return h.run(nexus, 0, cdb(0x5E, action, 0, 0, 0, 0, 0, 0x10, 0, 0), null);
    }

    private static byte[] prOutCdb(int action, int type, int length) {
        return cdb(0x5F, action, type, 0, 0, 0, 0, 0, length, 0);
    }

    private static byte[] params(long key, long serviceActionKey) {
        byte[] p = new byte[24];
        Harness.putInt(p, 0, key >>> 32);
        Harness.putInt(p, 4, key);
        Harness.putInt(p, 8, serviceActionKey >>> 32);
        Harness.putInt(p, 12, serviceActionKey);
        return p;
    }
}
