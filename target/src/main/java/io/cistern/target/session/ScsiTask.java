package io.cistern.target.session;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The fabric's side of one SCSI command: gathering its Data-Out (immediate data, unsolicited
 * Data-Out up to FirstBurstLength, then R2T-solicited bursts of MaxBurstLength, at most
 * MaxOutstandingR2T at a time; RFC 7143 §4.2.5), until the SCSI core can run it.
 *
 * <p>Cistern negotiates DataPDUInOrder=Yes and DataSequenceInOrder=Yes, so Data-Out arrives in
 * increasing offset order and is appended to one composite buffer without copying.
 *
 * <p>Ownership: the task owns {@link #data()} and releases it in {@link #release()}. Not
 * thread-safe: event loop only.
 */
final class ScsiTask {
    private record PendingR2t(int targetTransferTag, int offset, int length) {
        int end() {
            return offset + length;
        }
    }

    private final ScsiCommandPdu command;
    private final int expectedLength;
    private final CompositeByteBuf data;
    private final Deque<PendingR2t> r2ts = new ArrayDeque<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final int immediateLength;
    private int received;
    private int unsolicitedEnd;
    private int nextR2tOffset;
    private int r2tSn;
    private int expectedDataSn;
    private boolean executing;
    private boolean aborted;

    /**
     * Takes the command and its immediate data (ownership of {@code command.content()} moves here).
     *
     * @param firstBurstLength the negotiated FirstBurstLength, or 0 when InitialR2T=Yes
     */
    ScsiTask(ScsiCommandPdu command, ByteBufAllocator alloc, int firstBurstLength) {
        this.command = command;
        this.expectedLength = command.write() ? command.expectedDataTransferLength() : 0;
        ByteBuf immediate = command.content();
        this.immediateLength = immediate.readableBytes();
        if (expectedLength > 0) {
            data = alloc.compositeBuffer(Integer.MAX_VALUE);
            received = immediate.readableBytes();
            data.addComponent(true, immediate);
        } else {
            data = null;
            immediate.release();
        }
        // Unsolicited Data-Out follows only when the command's F bit is clear (§11.3.1).
        this.unsolicitedEnd = command.isFinal() ? received : Math.min(Math.max(firstBurstLength, received),
                expectedLength);
        this.nextR2tOffset = unsolicitedEnd;
    }

    int initiatorTaskTag() {
        return command.initiatorTaskTag();
    }

    ScsiCommandPdu command() {
        return command;
    }

    long lun() {
        return command.lun();
    }

    int expectedLength() {
        return expectedLength;
    }

    /** The gathered Data-Out, or null for a command without any. Owned by this task. */
    ByteBuf data() {
        return data;
    }

    /** True when every byte of Data-Out has arrived and the command has not been started yet. */
    boolean readyToExecute() {
        return !executing && !aborted && received == expectedLength;
    }

    void executing() {
        executing = true;
    }

    boolean aborted() {
        return aborted;
    }

    /** Marks the task aborted: no response will be sent for it. */
    void abort() {
        aborted = true;
    }

    /** Completes when the task is over (response sent, or aborted and no longer running). */
    CompletableFuture<Void> finished() {
        return finished;
    }

    boolean executingNow() {
        return executing;
    }

    /** Not yet handed to the SCSI core: its Data-Out is still coming. */
    boolean waitingForData() {
        return !executing;
    }

    /** Whether the initiator sent more immediate data than it may (the caller rejects the command). */
    Optional<String> checkImmediateData(boolean immediateDataAllowed, int firstBurstLength) {
        int immediate = immediateLength;
        if (immediate > 0 && !command.write()) {
            return Optional.of("data with a command that has no W bit");
        }
        if (immediate > 0 && !immediateDataAllowed) {
            return Optional.of("immediate data when ImmediateData=No");
        }
        if (immediate > Math.min(firstBurstLength, expectedLength)) {
            return Optional.of("immediate data beyond FirstBurstLength or the expected length");
        }
        return Optional.empty();
    }

    /**
     * Appends one Data-Out PDU's data (ownership of its content moves here on success). Returns the
     * protocol violation if it does not fit what was solicited; the caller then still owns the PDU.
     */
    Optional<String> accept(DataOut pdu) {
        int length = pdu.content().readableBytes();
        if (executing || data == null) {
            return Optional.of("Data-Out for a command that expects none now");
        }
        if (pdu.bufferOffset() != received) {
            return Optional.of("Data-Out at offset " + pdu.bufferOffset() + ", expected " + received);
        }
        if ((long) received + length > expectedLength) {
            return Optional.of("Data-Out beyond the Expected Data Transfer Length");
        }
        if (pdu.targetTransferTag() == Bhs.RESERVED_TAG) {
            if (received + length > unsolicitedEnd) {
                return Optional.of("unsolicited Data-Out beyond FirstBurstLength");
            }
        } else {
            PendingR2t r2t = r2ts.peekFirst();
            if (r2t == null || r2t.targetTransferTag() != pdu.targetTransferTag() || received < r2t.offset()
                    || received + length > r2t.end()) {
                return Optional.of("Data-Out with TTT " + pdu.targetTransferTag() + " matches no R2T");
            }
        }
        if (pdu.dataSN() != expectedDataSn) {
            return Optional.of("Data-Out DataSN " + pdu.dataSN() + ", expected " + expectedDataSn);
        }
        data.addComponent(true, pdu.content());
        received += length;
        expectedDataSn++;
        PendingR2t r2t = r2ts.peekFirst();
        if (pdu.targetTransferTag() != Bhs.RESERVED_TAG && r2t != null && received == r2t.end()) {
            r2ts.pollFirst();
        }
        if (pdu.isFinal()) {
            // DataSN counts within one sequence: each R2T, and the unsolicited burst, starts again at 0.
            expectedDataSn = 0;
            if (pdu.targetTransferTag() == Bhs.RESERVED_TAG && received < unsolicitedEnd) {
                unsolicitedEnd = received; // the initiator ended its unsolicited burst early
                nextR2tOffset = received;
            }
        }
        return Optional.empty();
    }

    /**
     * R2Ts to send now: bursts of at most {@code maxBurstLength} over what is neither received,
     * unsolicited nor already asked for, keeping at most {@code maxOutstanding} outstanding.
     */
    Deque<R2t> solicit(Connection c, int maxBurstLength, int maxOutstanding, TagSource tags) {
        Deque<R2t> out = new ArrayDeque<>();
        if (data == null || aborted || received < unsolicitedEnd) {
            return out; // R2Ts start once the unsolicited burst is over, keeping data in offset order
        }
        while (r2ts.size() < maxOutstanding && nextR2tOffset < expectedLength) {
            int length = Math.min(maxBurstLength, expectedLength - nextR2tOffset);
            PendingR2t r = new PendingR2t(tags.next(), nextR2tOffset, length);
            r2ts.addLast(r);
            out.add(new R2t(command.lun(), command.initiatorTaskTag(), r.targetTransferTag(), c.currentStatSn(),
                    c.expCmdSn(), c.maxCmdSn(), r2tSn++, r.offset(), r.length()));
            nextR2tOffset += length;
        }
        return out;
    }

    /** R2Ts and Data-In PDUs sent so far: ExpDataSN of the SCSI Response. */
    int r2tCount() {
        return r2tSn;
    }

    /** Releases the gathered data and marks the task finished. Idempotent. */
    void release() {
        if (data != null && data.refCnt() > 0) {
            data.release();
        }
        finished.complete(null);
    }

    /** Target Transfer Tags, unique per connection. */
    interface TagSource {
        int next();
    }
}
