package io.cistern.target.session;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.ScsiCommand;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.ScsiTarget;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A SCSI core that records each command and lets the test complete it when it chooses, so a test
 * controls when "backend I/O" ends. Data-In buffers come from the test's tracking allocator.
 */
final class FakeScsiTarget implements ScsiTarget {

    /** One executed command: its Data-Out as it was when the core got it, and its pending outcome. */
    final class Call {
        final ScsiCommand command;
        final byte[] dataOut;
        final CompletableFuture<ScsiResponse> future = new CompletableFuture<>();

        Call(ScsiCommand command) {
            this.command = command;
            this.dataOut = command.dataOut() == null ? new byte[0] : ByteBufUtil.getBytes(command.dataOut());
        }

        void good() {
            future.complete(new ScsiResponse(ScsiResponse.GOOD, null, null, command.expectedLength()));
        }

        /** Completes GOOD with {@code length} bytes of Data-In counting up from 0. */
        void read(int length) {
            future.complete(new ScsiResponse(ScsiResponse.GOOD, null, data(length), length));
        }

        void checkCondition(Sense sense, int dataLength) {
            future.complete(new ScsiResponse(ScsiResponse.CHECK_CONDITION, sense.toBytes(false),
                    dataLength == 0 ? null : data(dataLength), dataLength));
        }
    }

    private final ByteBufAllocator alloc;
    final Deque<Call> calls = new ArrayDeque<>();
    final List<ItNexus> created = new ArrayList<>();
    final List<ItNexus> lost = new ArrayList<>();
    final List<TaskManagementFunction> functions = new ArrayList<>();
    Set<Long> luns = Set.of(0L, 1L);

    FakeScsiTarget(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    ByteBuf data(int length) {
        ByteBuf buf = alloc.buffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(i);
        }
        return buf;
    }

    /** The oldest command not yet taken by the test. */
    Call next() {
        Call call = calls.poll();
        assertNotNull(call, "the SCSI core received no (further) command");
        return call;
    }

    void assertNoCommand() {
        assertTrue(calls.isEmpty(), () -> "the SCSI core unexpectedly got " + calls.peek().command);
    }

    @Override
    public CompletionStage<ScsiResponse> execute(ScsiCommand cmd) {
        assertTrue(cmd.dataOut() == null || cmd.dataOut().refCnt() > 0, "Data-Out handed to the core already released");
        Call call = new Call(cmd);
        calls.add(call);
        all.add(call);
        return call.future;
    }

    /** Every command ever executed, for teardown to finish those the test left running. */
    final List<Call> all = new ArrayList<>();

    @Override
    public TaskManagementResponse taskManagement(ItNexus nexus, TaskManagementFunction function, long lun) {
        functions.add(function);
        return TaskManagementResponse.FUNCTION_COMPLETE;
    }

    @Override
    public void nexusCreated(ItNexus nexus) {
        created.add(nexus);
    }

    @Override
    public void nexusLost(ItNexus nexus) {
        lost.add(nexus);
    }

    @Override
    public boolean lunVisible(ItNexus nexus, long lun) {
        return luns.contains(lun);
    }
}
