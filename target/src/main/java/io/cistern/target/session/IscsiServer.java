package io.cistern.target.session;

import io.cistern.target.backend.IoBuffers;
import io.cistern.target.codec.PduDecoder;
import io.cistern.target.codec.PduEncoder;
import io.cistern.target.pdu.AsyncMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iSCSI fabric: listens on the portals, and gives each connection its pipeline
 * (decoder, encoder, then login, then full feature phase).
 *
 * <p>Thread-safe. {@link #close()} is the clean shutdown: stop accepting, ask every initiator to log
 * out (Async Message), wait a grace period for them to do so, then close what is left.
 */
public final class IscsiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IscsiServer.class);

    private final TargetRegistry targets;
    private final SessionRegistry sessions = new SessionRegistry();
    private final FabricSettings settings;
    private final Transport transport = Transport.best();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ServerBootstrap bootstrap;
    private final Map<InetSocketAddress, Channel> bound = new HashMap<>();

    public IscsiServer(TargetRegistry targets, FabricSettings settings) {
        this.targets = targets;
        this.settings = settings;
        this.boss = transport.newGroup(1);
        this.workers = transport.newGroup(settings.eventLoopThreads());
        this.bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, IoBuffers.ALLOCATOR)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        // One send per batch of responses, not per response: at QD 32 a send per
                        // 4 KiB write was a third of the event loop's CPU (session 27).
                        ch.pipeline().addLast("flush", new FlushConsolidationHandler(
                                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                                // One hand-over to a backend's threads per read, not per command.
                                .addLast("plug", PlugHandler.INSTANCE)
                                .addLast("decoder", new PduDecoder())
                                .addLast("encoder", new PduEncoder())
                                .addLast("login", new LoginHandler(targets, sessions, settings));
                    }
                });
    }

    /** Binds every portal, or none: a portal that cannot be bound fails the start with its address. */
    public void start(List<InetSocketAddress> portals) {
        List<InetSocketAddress> started = new ArrayList<>();
        try {
            for (InetSocketAddress portal : portals) {
                listen(portal);
                started.add(portal);
            }
        } catch (RuntimeException e) {
            started.forEach(this::stopListening);
            throw e;
        }
        log.info("iSCSI portals {} listening ({} transport)", portals, transport.name());
    }

    /** Starts listening on one more portal (reload); listening already is not an error. */
    public synchronized void listen(InetSocketAddress portal) {
        if (bound.containsKey(portal)) {
            return;
        }
        try {
            Channel channel = bootstrap.bind(portal).sync().channel();
            bound.put(portal, channel);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + portal + ": " + e.getMessage(), e);
        }
    }

    /** Stops accepting connections on a portal; connections made through it go on. */
    public synchronized void stopListening(InetSocketAddress portal) {
        Channel channel = bound.remove(portal);
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    /** The portals listening now. */
    public synchronized Set<InetSocketAddress> portals() {
        return Set.copyOf(bound.keySet());
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    @Override
    public void close() {
        List<Channel> listening;
        synchronized (this) {
            listening = List.copyOf(bound.values());
            bound.clear();
        }
        listening.forEach(c -> c.close().awaitUninterruptibly());
        List<Connection> live = List.copyOf(sessions.connections());
        if (!live.isEmpty()) {
            int seconds = (int) Math.max(1, settings.logoutGrace().toSeconds());
            log.info("asking {} session(s) to log out within {}s", live.size(), seconds);
            for (Connection c : live) {
                c.channel().eventLoop().execute(() -> c.writeAndFlush(new AsyncMessage(0, c.nextStatSn(),
                        c.expCmdSn(), c.maxCmdSn(), AsyncMessage.LOGOUT_REQUESTED, 0, 0, 0, seconds,
                        Unpooled.EMPTY_BUFFER)));
            }
            long deadline = System.nanoTime() + settings.logoutGrace().toNanos();
            while (!sessions.connections().isEmpty() && System.nanoTime() < deadline) {
                sleep(50);
            }
        }
        connections.close().awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        log.info("iSCSI fabric stopped");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
