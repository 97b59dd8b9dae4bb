package io.cistern.target.session;

import static io.cistern.target.pdu.TaskManagementRequest.*;

import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.TaskManagementRequest;
import io.cistern.target.pdu.TaskManagementResponse;
import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.ScsiTarget;
import io.cistern.target.scsi.ScsiTarget.TaskManagementFunction;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task management functions (RFC 7143 §11.5, SAM-5 §7): aborts this session's tasks, lets the SCSI
 * core apply the function's effect on its state (unit attentions, reservations), and answers once
 * the aborted tasks are over, so no data or status of theirs can follow the response.
 *
 * <p>Event loop only.
 */
final class TaskManagementHandler {
    private static final Logger log = LoggerFactory.getLogger(TaskManagementHandler.class);

    private final Connection connection;
    private final ScsiCommandHandler commands;
    private final Consumer<Pdu> deliver;

    /** @param deliver where commands the window releases go (after an ABORT TASK fills a CmdSN gap) */
    TaskManagementHandler(Connection connection, ScsiCommandHandler commands, Consumer<Pdu> deliver) {
        this.connection = connection;
        this.commands = commands;
        this.deliver = deliver;
    }

    void request(TaskManagementRequest request) {
        Optional<ScsiTarget> scsi = connection.session().target().map(TargetNode::scsi);
        Optional<ItNexus> nexus = connection.session().nexus();
        if (scsi.isEmpty() || nexus.isEmpty()) {
            answer(request, TaskManagementResponse.FUNCTION_REJECTED);
            return;
        }
        int lun = Lun.number(request.lun());
        boolean lunFunction = switch (request.function()) {
            case ABORT_TASK, ABORT_TASK_SET, CLEAR_ACA, CLEAR_TASK_SET, LOGICAL_UNIT_RESET -> true;
            default -> false;
        };
        if (lunFunction && !scsi.get().lunVisible(nexus.get(), lun)) {
            answer(request, TaskManagementResponse.LUN_DOES_NOT_EXIST);
            return;
        }
        log.info("{}: task management function {} on LUN {}", connection.session(), request.function(), lun);
        switch (request.function()) {
            case ABORT_TASK -> abortTask(request);
            case ABORT_TASK_SET, CLEAR_TASK_SET, LOGICAL_UNIT_RESET -> coreAfter(request,
                    commands.abort(t -> t.lun() == request.lun()), scsi.get(), nexus.get(), lun);
            case TARGET_WARM_RESET, TARGET_COLD_RESET -> coreAfter(request, commands.abort(t -> true), scsi.get(),
                    nexus.get(), lun);
            case CLEAR_ACA -> answer(request, response(scsi.get().taskManagement(nexus.get(),
                    TaskManagementFunction.CLEAR_ACA, lun)));
            case TASK_REASSIGN -> answer(request, TaskManagementResponse.TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED);
            default -> answer(request, TaskManagementResponse.FUNCTION_NOT_SUPPORTED);
        }
    }

    private void abortTask(TaskManagementRequest request) {
        var task = connection.task(request.referencedTaskTag());
        if (task.isEmpty() && SerialNumber.inWindow(request.refCmdSN(), connection.expCmdSn(), connection.maxCmdSn())
                && SerialNumber.lessThan(request.refCmdSN(), request.cmdSN())) {
            // Never received, or held for a gap (RFC 7143 §11.5.1 b): its CmdSN counts as received,
            // so the window moves on and a late copy is a duplicate.
            connection.window().skip(request.refCmdSN(), deliver).ifPresent(ReferenceCountUtil::release);
            answer(request, TaskManagementResponse.FUNCTION_COMPLETE);
            return;
        }
        if (task.isEmpty() || task.get().lun() != request.lun()) {
            // Already completed (its response was sent): nothing left to abort.
            answer(request, TaskManagementResponse.TASK_DOES_NOT_EXIST);
            return;
        }
        int tag = request.referencedTaskTag();
        whenDone(commands.abort(t -> t.initiatorTaskTag() == tag),
                () -> answer(request, TaskManagementResponse.FUNCTION_COMPLETE));
    }

    private void coreAfter(TaskManagementRequest request, CompletableFuture<Void> aborted, ScsiTarget scsi,
                           ItNexus nexus, int lun) {
        TaskManagementFunction function = switch (request.function()) {
            case ABORT_TASK_SET -> TaskManagementFunction.ABORT_TASK_SET;
            case CLEAR_TASK_SET -> TaskManagementFunction.CLEAR_TASK_SET;
            case LOGICAL_UNIT_RESET -> TaskManagementFunction.LOGICAL_UNIT_RESET;
            case TARGET_COLD_RESET -> TaskManagementFunction.TARGET_COLD_RESET;
            default -> TaskManagementFunction.TARGET_WARM_RESET;
        };
        whenDone(aborted, () -> {
            int response = response(scsi.taskManagement(nexus, function, lun));
            answer(request, response);
            if (function == TaskManagementFunction.TARGET_COLD_RESET && response
                    == TaskManagementResponse.FUNCTION_COMPLETE) {
                connection.close(); // a cold reset ends every nexus, this one included (RFC 7143 §11.5.1)
            }
        });
    }

    private void whenDone(CompletableFuture<Void> aborted, Runnable then) {
        aborted.whenComplete((v, e) -> connection.onEventLoop(then));
    }

    private void answer(TaskManagementRequest request, int response) {
        connection.window().completed();
        connection.writeAndFlush(new TaskManagementResponse(response, request.initiatorTaskTag(),
                connection.nextStatSn(), connection.expCmdSn(), connection.maxCmdSn()));
    }

    private static int response(ScsiTarget.TaskManagementResponse r) {
        return switch (r) {
            case FUNCTION_COMPLETE -> TaskManagementResponse.FUNCTION_COMPLETE;
            case TASK_DOES_NOT_EXIST -> TaskManagementResponse.TASK_DOES_NOT_EXIST;
            case LUN_DOES_NOT_EXIST -> TaskManagementResponse.LUN_DOES_NOT_EXIST;
            case FUNCTION_NOT_SUPPORTED -> TaskManagementResponse.FUNCTION_NOT_SUPPORTED;
            case FUNCTION_AUTHORIZATION_FAILED -> TaskManagementResponse.FUNCTION_AUTHORIZATION_FAILED;
            case FUNCTION_REJECTED -> TaskManagementResponse.FUNCTION_REJECTED;
        };
    }
}
