package io.cistern.target.session;

import io.cistern.target.codec.MalformedPdu;
import io.cistern.target.login.SessionParameters;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.LogoutRequest;
import io.cistern.target.pdu.LogoutResponse;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.Opcode;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.TaskManagementRequest;
import io.cistern.target.pdu.TextRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full feature phase of one connection (RFC 7143 §4): orders commands by CmdSN, hands SCSI
 * commands to {@link ScsiCommandHandler}, answers NOP-Out, Text, Logout and task management, and
 * turns malformed PDUs into Reject PDUs or a closed connection.
 *
 * <p>Every PDU read here is released here or handed on with its ownership.
 */
final class FullFeatureHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FullFeatureHandler.class);

    private final Connection connection;
    private final SessionRegistry sessions;
    private final ScsiCommandHandler scsi;
    private final TaskManagementHandler taskManagement;
    private final TextHandler text;
    private final long nopTimeoutNanos;
    private int pingTag = 1;
    private int pendingPing = Bhs.RESERVED_TAG;
    private long pingSentNanos;
    private boolean loggedOut;

    FullFeatureHandler(Connection connection, SessionRegistry sessions, TargetRegistry targets,
                       FabricSettings settings) {
        this.connection = connection;
        this.sessions = sessions;
        this.scsi = new ScsiCommandHandler(connection, settings);
        this.taskManagement = new TaskManagementHandler(connection, scsi, this::deliver);
        this.text = new TextHandler(connection, targets);
        this.nopTimeoutNanos = settings.nopTimeout().toNanos();
    }

    private SessionParameters parameters() {
        return connection.session().parameters();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MalformedPdu bad) {
            malformed(bad);
        } else if (msg instanceof Pdu pdu) {
            try {
                read(pdu);
            } catch (RuntimeException e) {
                log.error("{}: failed on {}; closing the connection", connection.session(), pdu, e);
                ReferenceCountUtil.safeRelease(pdu);
                connection.close();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(Pdu pdu) {
        if (pdu instanceof DataOut data) {
            scsi.dataOut(data);
        } else if (pdu instanceof NopOut nop && nop.initiatorTaskTag() == Bhs.RESERVED_TAG) {
            pingAnswered(nop);
        } else if (pdu instanceof ScsiCommandPdu || pdu instanceof NopOut || pdu instanceof TextRequest
                || pdu instanceof LogoutRequest || pdu instanceof TaskManagementRequest) {
            ordered(pdu);
        } else {
            // SNACK needs ERL 1; Login and target-only opcodes have no place here.
            int reason = pdu instanceof LoginRequest ? Reject.PROTOCOL_ERROR : Reject.COMMAND_NOT_SUPPORTED;
            reject(reason, pdu);
        }
    }

    /** Commands go through the CmdSN window; immediate ones skip the queue (RFC 7143 §3.2.2.1). */
    private void ordered(Pdu pdu) {
        if (loggedOut) {
            reject(Reject.WAITING_FOR_LOGOUT, pdu);
            return;
        }
        int cmdSn = cmdSn(pdu);
        if (pdu.immediate()) {
            connection.window().acceptImmediate();
            deliver(pdu);
            return;
        }
        CmdSnWindow.Verdict verdict = connection.window().offer(cmdSn, pdu, this::deliver);
        if (verdict == CmdSnWindow.Verdict.OUT_OF_WINDOW || verdict == CmdSnWindow.Verdict.DUPLICATE) {
            log.debug("{}: dropped {} with CmdSN {} outside [{}, {}]", connection.session(), pdu.opcode(), cmdSn,
                    connection.expCmdSn(), connection.maxCmdSn());
            ReferenceCountUtil.release(pdu);
        }
    }

    private void deliver(Pdu pdu) {
        if (pdu instanceof ScsiCommandPdu cmd) {
            scsi.command(cmd);
        } else if (pdu instanceof NopOut nop) {
            connection.window().completed();
            // The ping may be as long as our MaxRecvDataSegmentLength; the echo no longer than the initiator's.
            int echo = Math.min(nop.content().readableBytes(), parameters().initiatorMaxRecvDataSegmentLength());
            NopOut reflected = nop.replace(nop.content().slice(nop.content().readerIndex(), echo));
            connection.writeAndFlush(NopIn.answer(reflected, connection.nextStatSn(), connection.expCmdSn(),
                    connection.maxCmdSn()));
            nop.release();
        } else if (pdu instanceof TextRequest request) {
            connection.window().completed();
            text.request(request);
        } else if (pdu instanceof LogoutRequest logout) {
            logout(logout);
        } else if (pdu instanceof TaskManagementRequest tmf) {
            taskManagement.request(tmf);
        }
    }

    private void logout(LogoutRequest request) {
        connection.window().completed();
        int response = switch (request.reasonCode()) {
            case LogoutRequest.CLOSE_SESSION -> LogoutResponse.CLOSED_SUCCESSFULLY;
            case LogoutRequest.CLOSE_CONNECTION -> request.cid() == parameters().cid()
                    ? LogoutResponse.CLOSED_SUCCESSFULLY : LogoutResponse.CID_NOT_FOUND;
            default -> LogoutResponse.RECOVERY_NOT_SUPPORTED; // connection recovery needs ERL 2
        };
        if (response != LogoutResponse.CLOSED_SUCCESSFULLY) {
            connection.writeAndFlush(logoutResponse(request, response));
            return;
        }
        loggedOut = true;
        log.info("logout: {}", connection.session());
        // Commands still waiting for Data-Out end now (the session is closing, RFC 7143 §11.14); those
        // running in the core end first, so their responses precede the Logout Response, which takes
        // its StatSN only when sent.
        scsi.abort(ScsiTask::waitingForData);
        scsi.whenIdle(() -> connection.sendAndClose(logoutResponse(request, response)));
    }

    private LogoutResponse logoutResponse(LogoutRequest request, int response) {
        return new LogoutResponse(response, request.initiatorTaskTag(), connection.nextStatSn(),
                connection.expCmdSn(), connection.maxCmdSn(), 0, 0);
    }

    private void pingAnswered(NopOut nop) {
        if (nop.targetTransferTag() == pendingPing) {
            pendingPing = Bhs.RESERVED_TAG;
        }
        nop.release();
    }

    /** The idle timer fired: ping the initiator, or drop it if the last ping went unanswered too long. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (pendingPing != Bhs.RESERVED_TAG) {
            if (System.nanoTime() - pingSentNanos >= nopTimeoutNanos) {
                log.warn("session drop: {} did not answer a NOP-In ping", connection.session());
                connection.close();
            }
            return;
        }
        pendingPing = pingTag;
        pingTag = pingTag == Integer.MAX_VALUE ? 1 : pingTag + 1;
        pingSentNanos = System.nanoTime();
        connection.writeAndFlush(NopIn.ping(pendingPing, connection.currentStatSn(), connection.expCmdSn(),
                connection.maxCmdSn()));
    }

    private void malformed(MalformedPdu bad) {
        log.warn("{}: malformed PDU: {}", connection.session(), bad);
        if (!bad.streamContinues()) {
            connection.close();
            return;
        }
        connection.writeAndFlush(bad.toReject(connection.nextStatSn(), connection.expCmdSn(), connection.maxCmdSn()));
        if (bad.opcode() == Opcode.DATA_OUT || bad.opcode() == Opcode.SCSI_COMMAND) {
            // At ERL 0 a command whose data was lost cannot complete: recovery is a new connection.
            connection.close();
        }
    }

    /** Answers a PDU with a Reject that echoes its header, and releases it. */
    private void reject(int reason, Pdu pdu) {
        log.warn("{}: rejected {} (reason 0x{})", connection.session(), pdu.opcode(), Integer.toHexString(reason));
        connection.writeAndFlush(Rejects.of(reason, pdu, connection));
        ReferenceCountUtil.release(pdu);
    }

    private static int cmdSn(Pdu pdu) {
        if (pdu instanceof ScsiCommandPdu p) {
            return p.cmdSN();
        } else if (pdu instanceof NopOut p) {
            return p.cmdSN();
        } else if (pdu instanceof TextRequest p) {
            return p.cmdSN();
        } else if (pdu instanceof LogoutRequest p) {
            return p.cmdSN();
        } else if (pdu instanceof TaskManagementRequest p) {
            return p.cmdSN();
        }
        throw new IllegalArgumentException("no CmdSN in " + pdu.opcode());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.window().drainHeld().forEach(ReferenceCountUtil::release);
        scsi.abortAll();
        sessions.remove(connection);
        connection.session().nexus().ifPresent(n -> {
            if (!connection.handedOver()) {
                connection.session().target().ifPresent(t -> t.scsi().nexusLost(n));
            }
        });
        if (!loggedOut) {
            log.info("session closed without logout: {}", connection.session());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("connection error, closing: {}: {}", connection.session(), cause.toString());
        connection.close();
    }
}
