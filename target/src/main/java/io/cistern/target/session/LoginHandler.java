package io.cistern.target.session;

import io.cistern.target.codec.MalformedPdu;
import io.cistern.target.codec.PduDecoder;
import io.cistern.target.codec.PduEncoder;
import io.cistern.target.login.LoginInput;
import io.cistern.target.login.LoginNegotiation;
import io.cistern.target.login.LoginOutcome;
import io.cistern.target.login.LoginStatus;
import io.cistern.target.login.SessionParameters;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.scsi.ItNexus;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login phase of one connection (RFC 7143 §6): feeds Login Requests to {@link LoginNegotiation},
 * sends its answers, and on success registers the session, switches the codec to the negotiated
 * digests and segment length, and replaces itself with a {@link FullFeatureHandler}.
 */
final class LoginHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LoginHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TargetRegistry targets;
    private final SessionRegistry sessions;
    private final FabricSettings settings;
    private final LoginNegotiation negotiation;
    // Any start is legal (RFC 7143 §11.13.3); below 2^31 because some initiators (jSCSI) read it signed.
    private int statSn = RANDOM.nextInt(1 << 16);
    private boolean first = true;
    private ScheduledFuture<?> timeout;

    LoginHandler(TargetRegistry targets, SessionRegistry sessions, FabricSettings settings) {
        this.targets = targets;
        this.sessions = sessions;
        this.settings = settings;
        this.negotiation = new LoginNegotiation(settings.limits(), targets, RANDOM);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            log.warn("login timed out after {}: {}", settings.loginTimeout(), ctx.channel().remoteAddress());
            ctx.close();
        }, settings.loginTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timeout.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof LoginRequest request)) {
            // RFC 7143 §6: only Login Requests may come before the full feature phase.
            log.warn("{} sent {} during login; closing", ctx.channel().remoteAddress(),
                    msg instanceof MalformedPdu m ? m : msg.getClass().getSimpleName());
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(request.content());
        } finally {
            request.release();
        }
        if (first && request.tsih() != 0) {
            // A connection added to an existing session: Cistern negotiates MaxConnections=1.
            fail(ctx, request, sessions.checkExistingSession(request.tsih()), "TSIH " + request.tsih() + " given");
            return;
        }
        first = false;
        LoginOutcome outcome = negotiation.handle(new LoginInput(request.csg(), request.nsg(), request.transit(),
                request.isContinue(), request.isid(), request.tsih(), request.cid(), request.versionMax(),
                request.versionMin(), data));
        if (outcome.failed()) {
            fail(ctx, request, outcome.status(), outcome.reason());
        } else if (outcome.complete()) {
            complete(ctx, request, outcome, outcome.parameters().get());
        } else {
            ctx.writeAndFlush(response(request, outcome, request.tsih()));
        }
    }

    private void complete(ChannelHandlerContext ctx, LoginRequest request, LoginOutcome outcome,
                          SessionParameters p) {
        Optional<TargetNode> node = p.targetName().flatMap(targets::node);
        if (p.targetName().isPresent() && node.isEmpty()) {
            fail(ctx, request, LoginStatus.TARGET_REMOVED, "target removed during login");
            return;
        }
        Optional<ItNexus> nexus = node.map(n -> new ItNexus(
                p.initiatorName() + ",i,0x" + String.format("%012x", p.isid()), p.initiatorName(),
                n.name() + ",t,0x" + String.format("%04x", n.portalGroupTag()), n.portalGroupTag()));
        int tsih = sessions.allocateTsih();
        IscsiSession session = new IscsiSession(tsih, p, node, nexus, String.valueOf(ctx.channel().remoteAddress()),
                Instant.now());
        LoginResponse last = response(request, outcome, tsih);
        Connection connection = new Connection(ctx.channel(), session, request.cmdSN(), settings.queueDepth(), statSn);
        sessions.admit(connection).ifPresent(old -> {
            log.info("session reinstatement: {} replaces {}", session, old.session());
            old.handOver();
            old.close();
            nexus.ifPresent(n -> node.get().scsi().nexusLost(n));
        });
        nexus.ifPresent(n -> node.get().scsi().nexusCreated(n));
        timeout.cancel(false);
        ctx.writeAndFlush(last);
        // Digests start with the first PDU after the final Login Response (RFC 7143 §13.1).
        ctx.pipeline().get(PduEncoder.class).setHeaderDigest(p.headerDigest());
        ctx.pipeline().get(PduEncoder.class).setDataDigest(p.dataDigest());
        PduDecoder decoder = ctx.pipeline().get(PduDecoder.class);
        decoder.setHeaderDigest(p.headerDigest());
        decoder.setDataDigest(p.dataDigest());
        decoder.setMaxDataSegmentLength(p.targetMaxRecvDataSegmentLength());
        long idle = settings.nopInterval().toMillis();
        ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
        ctx.pipeline().replace(this, "full-feature", new FullFeatureHandler(connection, sessions, targets, settings));
        log.info("login: {} (header digest {}, data digest {}, MaxBurstLength {}, ImmediateData {}, InitialR2T {})",
                session, p.headerDigest(), p.dataDigest(), p.maxBurstLength(), p.immediateData(), p.initialR2T());
    }

    private void fail(ChannelHandlerContext ctx, LoginRequest request, LoginStatus status, String reason) {
        log.warn("login refused ({}): {} from {}: {}", String.format("0x%04x", status.code()),
                status, ctx.channel().remoteAddress(), reason);
        LoginResponse response = new LoginResponse(false, false, request.csg(), 0, 0, 0, request.isid(),
                request.tsih(), request.initiatorTaskTag(), statSn++, request.cmdSN(),
                request.cmdSN() + settings.queueDepth() - 1, status.statusClass(), status.statusDetail(),
                Unpooled.EMPTY_BUFFER);
        ctx.writeAndFlush(response).addListener(f -> ctx.close());
    }

    private LoginResponse response(LoginRequest request, LoginOutcome outcome, int tsih) {
        return new LoginResponse(outcome.transit(), false, outcome.csg(), outcome.nsg(), 0, 0, request.isid(), tsih,
                request.initiatorTaskTag(), statSn++, request.cmdSN(), request.cmdSN() + settings.queueDepth() - 1,
                0, 0, Unpooled.wrappedBuffer(outcome.data()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("connection error during login from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
