package io.cistern.target.session;

import io.cistern.target.pdu.Pdu;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The full-feature-phase state of one connection (and so of its session, which has only this one):
 * StatSN, the command window, and the tasks in progress by Initiator Task Tag.
 *
 * <p>Not thread-safe: every method runs on the channel's event loop, except {@link #session()} and
 * {@link #close}, which may be called from anywhere.
 */
public final class Connection {
    private final Channel channel;
    private final IscsiSession session;
    private final CmdSnWindow<Pdu> window;
    private final Map<Integer, ScsiTask> tasks = new HashMap<>();
    private int statSn;
    private volatile boolean closing;
    private volatile boolean handedOver;

    Connection(Channel channel, IscsiSession session, int firstCmdSn, int queueDepth, int nextStatSn) {
        this.channel = channel;
        this.session = session;
        this.window = new CmdSnWindow<>(firstCmdSn, queueDepth);
        this.statSn = nextStatSn;
    }

    public IscsiSession session() {
        return session;
    }

    Channel channel() {
        return channel;
    }

    CmdSnWindow<Pdu> window() {
        return window;
    }

    /** The StatSN for a response that advances it (RFC 7143 §4.2.2.2). */
    int nextStatSn() {
        return statSn++;
    }

    /** The StatSN a PDU that does not advance it carries (R2T, target NOP-In ping). */
    int currentStatSn() {
        return statSn;
    }

    int expCmdSn() {
        return window.expCmdSn();
    }

    int maxCmdSn() {
        return window.maxCmdSn();
    }

    Optional<ScsiTask> task(int initiatorTaskTag) {
        return Optional.ofNullable(tasks.get(initiatorTaskTag));
    }

    boolean addTask(ScsiTask task) {
        return tasks.putIfAbsent(task.initiatorTaskTag(), task) == null;
    }

    void removeTask(ScsiTask task) {
        tasks.remove(task.initiatorTaskTag(), task);
    }

    Collection<ScsiTask> tasks() {
        return List.copyOf(tasks.values());
    }

    /** Runs {@code action} on this connection's event loop: now if already there, else queued. */
    void onEventLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }

    /** Queues a PDU; the caller flushes once a batch is written. */
    void write(Pdu pdu) {
        channel.write(pdu, channel.voidPromise());
    }

    void writeAndFlush(Pdu pdu) {
        channel.writeAndFlush(pdu, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    boolean closing() {
        return closing;
    }

    /**
     * A reinstating session took over this one's I_T nexus (RFC 7143 §6.3.5): when this connection
     * goes, the nexus' state in the SCSI core is the new session's and must not be dropped.
     */
    void handOver() {
        handedOver = true;
    }

    boolean handedOver() {
        return handedOver;
    }

    /** Closes the connection; tasks in progress end without responses. Safe from any thread. */
    public ChannelFuture close() {
        closing = true;
        return channel.close();
    }

    /** Sends {@code last}, then closes once it is on the wire. */
    void sendAndClose(Pdu last) {
        closing = true;
        channel.writeAndFlush(last).addListener(f -> channel.close());
    }
}
