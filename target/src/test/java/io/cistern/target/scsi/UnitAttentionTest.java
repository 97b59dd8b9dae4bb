package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.B;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.cdb;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.target.backend.MemoryBackend;
import io.cistern.target.scsi.ScsiTarget.TaskManagementFunction;
import io.cistern.target.scsi.ScsiTarget.TaskManagementResponse;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnitAttentionTest {

    private static final byte[] TEST_UNIT_READY = cdb(0x00, 0, 0, 0, 0, 0);
    private static final byte[] REQUEST_SENSE = cdb(0x03, 0, 0, 0, 18, 0);
    private static final byte[] INQUIRY = cdb(0x12, 0, 0, 0, 96, 0);

    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
    }

    @Test
    void eachInitiatorSeesPowerOnOnceAndInquiryDoesNotConsumeIt() {
        h.run(INQUIRY).good();
        h.run(cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).good();
        h.run(TEST_UNIT_READY).sense(0x06, 0x29, 0x00);
        h.run(TEST_UNIT_READY).good();
        h.target.nexusLost(A);
        h.target.nexusCreated(A);
        h.run(TEST_UNIT_READY).good(); // a reconnect of the same initiator is not told again
    }

    @Test
    void resetIsReportedToTheOtherNexusesOnly() {
        h.clearAttentions(A);
        h.clearAttentions(B);
        h.target.taskManagement(B, TaskManagementFunction.LOGICAL_UNIT_RESET, 0);
        h.run(INQUIRY).good();
        h.run(cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).good();
        h.run(TEST_UNIT_READY).sense(0x06, 0x29, 0x03);
        h.run(TEST_UNIT_READY).good();
    }

    @Test
    void requestSenseReturnsAndClearsTheAttention() {
        Harness.Result r = h.run(REQUEST_SENSE).good();
        assertEquals(0x06, r.u8(2));
        assertEquals(0x29, r.u8(12));
        assertEquals(0x00, h.run(REQUEST_SENSE).good().u8(2));
        h.run(TEST_UNIT_READY).good();
    }

    @Test
    void logicalUnitResetTellsTheOtherNexuses() {
        h.clearAttentions(A);
        h.clearAttentions(B);
        assertEquals(TaskManagementResponse.FUNCTION_COMPLETE,
                h.target.taskManagement(A, TaskManagementFunction.LOGICAL_UNIT_RESET, 0));
        h.run(TEST_UNIT_READY).good();
        h.run(B, 0, TEST_UNIT_READY, null).sense(0x06, 0x29, 0x03);
        assertEquals(TaskManagementResponse.LUN_DOES_NOT_EXIST,
                h.target.taskManagement(A, TaskManagementFunction.LOGICAL_UNIT_RESET, 7));
    }

    @Test
    void capacityChangeAndSoftThreshold() {
        h.clearAttentions(A);
        h.memory.resize(Harness.BLOCKS * 2);
        h.run(TEST_UNIT_READY).sense(0x06, 0x2A, 0x09);
        assertEquals(Harness.BLOCKS * 2 - 1, h.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).good().u32(0));
        h.memory.reportSoftThreshold();
        h.run(TEST_UNIT_READY).sense(0x06, 0x38, 0x07);
    }

    @Test
    void lunInventoryChangesAreReported() {
        h.clearAttentions(A);
        h.target.addLun(1, new MemoryBackend(64, BLOCK), Set.of());
        h.run(TEST_UNIT_READY).sense(0x06, 0x3F, 0x0E);
        h.run(TEST_UNIT_READY).good();
        h.target.removeLun(1).orElseThrow().close();
        h.run(TEST_UNIT_READY).sense(0x06, 0x3F, 0x0E);
        h.run(A, 1, TEST_UNIT_READY, null).sense(0x05, 0x25, 0x00);
    }

    @Test
    void attentionsComeOutOldestFirst() {
        h.clearAttentions(A);
        h.memory.resize(Harness.BLOCKS + 8);
        h.memory.reportSoftThreshold();
        h.run(TEST_UNIT_READY).sense(0x06, 0x2A, 0x09);
        h.run(TEST_UNIT_READY).sense(0x06, 0x38, 0x07);
        h.run(TEST_UNIT_READY).good();
    }

    @Test
    void lostNexusForgetsItsAttentions() {
        h.clearAttentions(A);
        h.memory.resize(Harness.BLOCKS * 2);
        h.target.nexusLost(A);
        h.target.nexusCreated(A);
        h.run(TEST_UNIT_READY).good();
    }
}
