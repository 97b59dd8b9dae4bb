package io.cistern.target.session;

import io.cistern.target.login.KeyValue;
import io.cistern.target.login.LoginKey;
import io.cistern.target.login.SendTargetsResponder;
import io.cistern.target.login.TextCodec;
import io.cistern.target.login.TextResult;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.TextRequest;
import io.cistern.target.pdu.TextResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Text Request / Text Response in full feature phase (RFC 7143 §11.10-11.11): SendTargets, chiefly
 * in discovery sessions. A long answer is sent in pieces of the initiator's MaxRecvDataSegmentLength
 * with the C bit; the initiator fetches each next piece with an empty Text Request carrying our TTT.
 *
 * <p>Event loop only.
 */
final class TextHandler {
    private final Connection connection;
    private final TargetRegistry targets;
    private byte[] pending;
    private int pendingOffset;
    private int pendingTag = Bhs.RESERVED_TAG;
    private int nextTag = 0x10000;

    TextHandler(Connection connection, TargetRegistry targets) {
        this.connection = connection;
        this.targets = targets;
    }

    /** Answers one Text Request (already taken out of the command window); releases it. */
    void request(TextRequest request) {
        try {
            if (request.targetTransferTag() != Bhs.RESERVED_TAG && request.targetTransferTag() == pendingTag) {
                sendPiece(request);
                return;
            }
            pending = null;
            pendingTag = Bhs.RESERVED_TAG;
            if (request.isContinue()) {
                // Requests spanning PDUs are not needed for SendTargets; refuse rather than buffer.
                connection.writeAndFlush(Rejects.of(Reject.COMMAND_NOT_SUPPORTED, request, connection));
                return;
            }
            TextResult decoded = TextCodec.decode(ByteBufUtil.getBytes(request.content()));
            if (!(decoded instanceof TextResult.Keys keys)) {
                connection.writeAndFlush(Rejects.of(Reject.PROTOCOL_ERROR, request, connection));
                return;
            }
            pending = TextCodec.encode(answer(keys.pairs()));
            pendingOffset = 0;
            sendPiece(request);
        } finally {
            request.release();
        }
    }

    private List<KeyValue> answer(List<KeyValue> keys) {
        var session = connection.session();
        List<KeyValue> reply = new ArrayList<>();
        for (KeyValue kv : keys) {
            if (kv.key().equals(LoginKey.SEND_TARGETS.keyName())) {
                reply.addAll(SendTargetsResponder.respond(kv.value(), session.parameters().sessionType(),
                        session.parameters().targetName(), targets.visibleTo(session.initiatorName())));
            } else {
                // Renegotiating operational keys in full feature phase is not offered.
                reply.add(new KeyValue(kv.key(), "Reject"));
            }
        }
        return reply;
    }

    private void sendPiece(TextRequest request) {
        int max = connection.session().parameters().initiatorMaxRecvDataSegmentLength();
        int size = Math.min(max, pending.length - pendingOffset);
        boolean more = pendingOffset + size < pending.length;
        int tag = more ? nextTag++ : Bhs.RESERVED_TAG;
        var piece = Unpooled.wrappedBuffer(pending, pendingOffset, size);
        pendingOffset += size;
        pendingTag = tag;
        if (!more) {
            pending = null;
        }
        connection.writeAndFlush(new TextResponse(!more, more, request.lun(), request.initiatorTaskTag(), tag,
                connection.nextStatSn(), connection.expCmdSn(), connection.maxCmdSn(), piece));
    }
}
