package io.cistern.target.session;

import io.cistern.target.login.SessionParameters;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.ScsiCommand;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.ScsiTarget;
import io.cistern.target.scsi.spc.Sense;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs SCSI commands for one connection: gathers each command's Data-Out (sending R2Ts), hands it
 * to the SCSI core, and sends the Data-In and status that come back (via {@link DataInSequence}).
 *
 * <p>Event loop only. Core completions arrive on any thread and hop back to the event loop.
 */
final class ScsiCommandHandler {
    private static final Logger log = LoggerFactory.getLogger(ScsiCommandHandler.class);
    private static final ScsiCommand.TaskAttribute[] ATTRIBUTES = ScsiCommand.TaskAttribute.values();
    private static final Sense DATA_PHASE_ERROR = Sense.of(Sense.ABORTED_COMMAND, 0x4B, 0x00);

    private final Connection connection;
    private final FabricSettings settings;
    private final SessionParameters parameters;
    private final Optional<ScsiTarget> scsi;
    private final ItNexus nexus;
    private final List<Runnable> idleWaiters = new ArrayList<>();
    private int nextTransferTag = 1;

    ScsiCommandHandler(Connection connection, FabricSettings settings) {
        this.connection = connection;
        this.settings = settings;
        this.parameters = connection.session().parameters();
        this.scsi = connection.session().target().map(TargetNode::scsi);
        this.nexus = connection.session().nexus().orElse(null);
    }

    /** A SCSI Command delivered in CmdSN order; ownership of the PDU moves here. */
    void command(ScsiCommandPdu pdu) {
        if (scsi.isEmpty()) {
            finishEarly(pdu, Reject.PROTOCOL_ERROR, "SCSI command in a discovery session");
            return;
        }
        if (pdu.write() && Integer.toUnsignedLong(pdu.expectedDataTransferLength()) > settings.maxWriteLength()) {
            // Larger than the Block Limits page allows: refused before any data is solicited.
            log.warn("{}: refused a write of {} bytes, above the {} limit", connection.session(),
                    Integer.toUnsignedLong(pdu.expectedDataTransferLength()), settings.maxWriteLength());
            connection.window().completed();
            checkCondition(pdu, Sense.INVALID_FIELD_IN_CDB, 0);
            pdu.release();
            return;
        }
        int firstBurst = parameters.initialR2T() ? 0 : parameters.firstBurstLength();
        ScsiTask task = new ScsiTask(pdu, connection.channel().alloc(), firstBurst);
        Optional<String> bad = task.checkImmediateData(parameters.immediateData(), parameters.firstBurstLength());
        if (bad.isPresent()) {
            task.release();
            connection.window().completed();
            protocolError(bad.get());
            return;
        }
        if (!connection.addTask(task)) {
            task.release();
            connection.window().completed();
            connection.writeAndFlush(Rejects.of(Reject.TASK_IN_PROGRESS, pdu, connection));
            return;
        }
        progress(task);
    }

    /** A Data-Out PDU; ownership moves here. */
    void dataOut(DataOut pdu) {
        Optional<ScsiTask> task = connection.task(pdu.initiatorTaskTag());
        if (task.isEmpty()) {
            // The task may have been aborted; its late data is dropped (RFC 7143 §4.2.3.3).
            pdu.release();
            return;
        }
        if (task.get().executingNow()) {
            // All its data is here and the core runs it: failing it now would answer it twice and free
            // the Data-Out the core still reads. The stray PDU is dropped.
            log.warn("{}: dropped a Data-Out for running command {}", connection.session(),
                    Integer.toHexString(pdu.initiatorTaskTag()));
            pdu.release();
            return;
        }
        Optional<String> bad = task.get().accept(pdu);
        if (bad.isPresent()) {
            pdu.release();
            fail(task.get(), bad.get());
            return;
        }
        progress(task.get());
    }

    /** Solicits more data if needed, and starts the command once all of it is here. */
    private void progress(ScsiTask task) {
        var r2ts = task.solicit(connection, parameters.maxBurstLength(), parameters.maxOutstandingR2T(),
                this::transferTag);
        if (!r2ts.isEmpty()) {
            r2ts.forEach(connection::write);
            connection.flush();
        }
        if (task.readyToExecute()) {
            execute(task);
        }
    }

    private void execute(ScsiTask task) {
        task.executing();
        ScsiCommandPdu pdu = task.command();
        ScsiCommand command = new ScsiCommand(nexus, Lun.number(pdu.lun()), pdu.cdb(), attribute(pdu.attribute()),
                pdu.expectedDataTransferLength(), pdu.read(), pdu.write(), task.data());
        CompletionStage<ScsiResponse> outcome;
        try {
            outcome = scsi.get().execute(command);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e); // the core must not throw; if it does, end the task
        }
        outcome.whenComplete((response, error) -> connection.onEventLoop(() -> complete(task, response, error)));
    }

    private void complete(ScsiTask task, ScsiResponse response, Throwable error) {
        connection.removeTask(task);
        connection.window().completed();
        try {
            if (error != null) {
                log.error("{}: SCSI core failed {}", connection.session(), task.command(), error);
                connection.close();
            } else if (task.aborted() || connection.closing()) {
                ReferenceCountUtil.safeRelease(response.dataIn());
            } else {
                DataInSequence.send(connection, task, response, parameters);
            }
        } finally {
            task.release();
            wakeIdleWaiters();
        }
    }

    /**
     * Aborts the tasks {@code which} selects: none of them will answer. Completes once each is
     * over, so that a task management response follows the end of the tasks it aborted.
     */
    CompletableFuture<Void> abort(Predicate<ScsiTask> which) {
        List<CompletableFuture<Void>> finishing = new ArrayList<>();
        for (ScsiTask task : connection.tasks()) {
            if (!which.test(task)) {
                continue;
            }
            task.abort();
            finishing.add(task.finished());
            if (!task.executingNow()) {
                // Still gathering data: nothing runs in the core, so it ends now.
                connection.removeTask(task);
                connection.window().completed();
                task.release();
            }
        }
        wakeIdleWaiters();
        return CompletableFuture.allOf(finishing.toArray(CompletableFuture[]::new));
    }

    private void wakeIdleWaiters() {
        if (connection.tasks().isEmpty() && !idleWaiters.isEmpty()) {
            List<Runnable> waiting = List.copyOf(idleWaiters);
            idleWaiters.clear();
            waiting.forEach(Runnable::run);
        }
    }

    /** The connection is gone: every task ends without a response. */
    void abortAll() {
        abort(t -> true);
    }

    /** Runs {@code action} once no task is in progress (now, if none is). */
    void whenIdle(Runnable action) {
        if (connection.tasks().isEmpty()) {
            action.run();
        } else {
            idleWaiters.add(action);
        }
    }

    private int transferTag() {
        int tag = nextTransferTag;
        nextTransferTag = nextTransferTag == Integer.MAX_VALUE ? 1 : nextTransferTag + 1;
        return tag;
    }

    private void finishEarly(ScsiCommandPdu pdu, int reason, String why) {
        log.warn("{}: rejected SCSI command: {}", connection.session(), why);
        connection.window().completed();
        connection.writeAndFlush(Rejects.of(reason, pdu, connection));
        pdu.release();
    }

    /**
     * A Data-Out that breaks the transfer's rules (DataSN, offset, TTT, length) ends its command with
     * ABORTED COMMAND / DATA PHASE ERROR; the session goes on, and the command's later Data-Out PDUs
     * are dropped as belonging to no task.
     */
    private void fail(ScsiTask task, String why) {
        log.warn("{}: command {} aborted: {}", connection.session(), Integer.toHexString(task.initiatorTaskTag()),
                why);
        connection.removeTask(task);
        connection.window().completed();
        task.abort();
        checkCondition(task.command(), DATA_PHASE_ERROR, task.r2tCount());
        task.release();
        wakeIdleWaiters();
    }

    private void checkCondition(ScsiCommandPdu pdu, Sense sense, int expDataSn) {
        connection.writeAndFlush(ScsiResponsePdu.completed(pdu.initiatorTaskTag(), ScsiResponse.CHECK_CONDITION,
                sense.toBytes(false), 0, connection.nextStatSn(), connection.expCmdSn(), connection.maxCmdSn(),
                expDataSn));
    }

    /** Immediate data that breaks the negotiated rules: the connection cannot be trusted (ERL 0). */
    private void protocolError(String why) {
        log.warn("protocol error, closing: {}: {}", connection.session(), why);
        connection.close();
    }

    private static ScsiCommand.TaskAttribute attribute(int attr) {
        return attr < ATTRIBUTES.length ? ATTRIBUTES[attr] : ScsiCommand.TaskAttribute.SIMPLE;
    }
}
