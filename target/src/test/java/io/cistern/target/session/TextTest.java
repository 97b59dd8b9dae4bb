package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.TextRequest;
import io.cistern.target.pdu.TextResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Text Request / Response and SendTargets (RFC 7143 §11.10, §11.11, §12.3). */
class TextTest {
    private SessionHarness h;

    @AfterEach
    void close() {
        h.close();
    }

    private TextRequest request(int ttt, int cmdSn, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new TextRequest(false, true, false, 0, 33, ttt, cmdSn, FIRST_STAT_SN, h.alloc.buffer(b.length)
                .writeBytes(b));
    }

    private static String text(TextResponse r) {
        return new String(SessionHarness.content(r), StandardCharsets.UTF_8);
    }

    @Test
    void sendTargetsAllInADiscoverySession() {
        h = SessionHarness.start(o -> o.discovery = true);
        h.send(request(Bhs.RESERVED_TAG, FIRST_CMD_SN, "SendTargets=All\0"));
        TextResponse r = h.next(TextResponse.class);
        assertTrue(r.isFinal());
        assertFalse(r.isContinue());
        assertEquals(Bhs.RESERVED_TAG, r.targetTransferTag());
        assertEquals(33, r.initiatorTaskTag());
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertEquals("TargetName=" + SessionHarness.TARGET + "\0", text(r));
    }

    @Test
    void longAnswersComeInPiecesFetchedWithTheTargetTransferTag() {
        h = SessionHarness.start(o -> {
            o.discovery = true;
            o.initiatorMaxRecvDataSegmentLength = 512;
        });
        for (int i = 0; i < 40; i++) {
            h.targets.add(new TargetNode(SessionHarness.TARGET + "-" + i, Optional.empty(), 1, List.of(), Set.of(),
                    Optional.empty(), h.scsi));
        }
        h.send(request(Bhs.RESERVED_TAG, FIRST_CMD_SN, "SendTargets=All\0"));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int cmdSn = FIRST_CMD_SN;
        int pieces = 0;
        for (TextResponse r = h.next(TextResponse.class); ; r = h.next(TextResponse.class)) {
            pieces++;
            assertEquals(FIRST_STAT_SN + pieces - 1, r.statSN());
            all.writeBytes(SessionHarness.content(r));
            if (r.isFinal()) {
                assertFalse(r.isContinue());
                assertEquals(Bhs.RESERVED_TAG, r.targetTransferTag());
                break;
            }
            assertTrue(r.isContinue(), "C bit while more follows");
            assertEquals(512, r.content().readableBytes(), "pieces fill MaxRecvDataSegmentLength");
            assertNotEquals(Bhs.RESERVED_TAG, r.targetTransferTag());
            h.send(request(r.targetTransferTag(), ++cmdSn, ""));
        }
        assertTrue(pieces > 2, "the answer needed several pieces: " + pieces);
        String text = all.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < 40; i++) {
            assertTrue(text.contains("TargetName=" + SessionHarness.TARGET + "-" + i + "\0"), "target " + i);
        }
        h.assertNothingSent();
    }

    @Test
    void sendTargetsAllInANormalSessionIsRejectedAsAKey() {
        h = SessionHarness.start();
        h.send(request(Bhs.RESERVED_TAG, FIRST_CMD_SN, "SendTargets=All\0"));
        assertEquals("SendTargets=Reject\0", text(h.next(TextResponse.class)));
    }

    @Test
    void scsiCommandInADiscoverySessionIsRejected() {
        h = SessionHarness.start(o -> o.discovery = true);
        h.send(h.read(1, FIRST_CMD_SN, 512));
        assertEquals(Reject.PROTOCOL_ERROR, h.next(Reject.class).reason());
        h.scsi.assertNoCommand();
    }
}
