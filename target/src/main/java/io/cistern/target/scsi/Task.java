package io.cistern.target.scsi;

import io.cistern.target.backend.IoBuffers;
import io.cistern.target.backend.LunFailure;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command in the hands of the core: the fabric's {@link ScsiCommand}, the logical unit it
 * addresses (null if there is none), and the helpers every command uses to answer.
 */
public final class Task {

    private static final Logger LOG = LoggerFactory.getLogger(Task.class);
    private static final int MAX_CDB = 16;

    private final ScsiTargetDevice device;
    private final ScsiCommand command;
    private final LogicalUnit unit;
    private final byte[] cdb;
    /** Data-Out bytes the CDB calls for, once known: reported even on failure, for the residual. */
    private volatile int dataOutLength;

    Task(ScsiTargetDevice device, ScsiCommand command, LogicalUnit unit) {
        this.device = device;
        this.command = command;
        this.unit = unit;
        // Always 16 bytes so decoders never index past a short CDB; the missing bytes read as 0.
        this.cdb = Arrays.copyOf(command.cdb(), Math.max(MAX_CDB, command.cdb().length));
    }

    public ScsiTargetDevice device() {
        return device;
    }

    public ScsiCommand command() {
        return command;
    }

    public ItNexus nexus() {
        return command.nexus();
    }

    /** The addressed logical unit; never null except for the few commands that serve absent LUNs. */
    public LogicalUnit unit() {
        return unit;
    }

    public byte[] cdb() {
        return cdb;
    }

    public ByteBufAllocator alloc() {
        return IoBuffers.ALLOCATOR;
    }

    /**
     * The first {@code length} bytes of Data-Out (a view; the fabric owns it). A command whose
     * Data-Out is shorter than its CDB calls for transfers nothing: INVALID FIELD IN INFORMATION
     * UNIT, so that no partial or garbage data is ever written.
     */
    public ByteBuf dataOut(int length) {
        dataOutLength = length;
        ByteBuf data = command.dataOut();
        int available = data == null ? 0 : data.readableBytes();
        if (available < length) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_INFORMATION_UNIT);
        }
        return length == 0 ? Unpooled.EMPTY_BUFFER : data.slice(data.readerIndex(), length);
    }

    /**
     * The whole blocks of Data-Out received, up to {@code length} bytes (a view; the fabric owns it).
     * A write whose Expected Data Transfer Length is below what its CDB calls for writes only the
     * blocks it was sent, and reports the rest as a residual overflow (as libiscsi's iSCSIResiduals
     * tests and Linux LIO do); a partial trailing block is never written.
     */
    public ByteBuf dataOutBlocks(int length, int blockSize) {
        ByteBuf data = command.dataOut();
        int available = data == null ? 0 : data.readableBytes();
        int usable = Math.min(length, available / blockSize * blockSize);
        return usable == 0 ? io.netty.buffer.Unpooled.EMPTY_BUFFER : data.slice(data.readerIndex(), usable);
    }

    public static CompletableFuture<ScsiResponse> good() {
        return good(0);
    }

    /** GOOD for a command whose CDB called for {@code transferLength} bytes of Data-Out. */
    public static CompletableFuture<ScsiResponse> good(int transferLength) {
        return CompletableFuture.completedFuture(new ScsiResponse(ScsiResponse.GOOD, null, null, transferLength));
    }

    /** GOOD with {@code data} (ownership passes on), cut to the CDB's allocation length. */
    public static CompletableFuture<ScsiResponse> dataIn(ByteBuf data, int allocationLength) {
        if (data.readableBytes() > allocationLength) {
            data.writerIndex(data.readerIndex() + allocationLength);
        }
        return CompletableFuture.completedFuture(
                new ScsiResponse(ScsiResponse.GOOD, null, data, data.readableBytes()));
    }

    /** GOOD with data the CDB itself sized (READ): {@code transferLength} bytes. */
    public static ScsiResponse readData(ByteBuf data) {
        return new ScsiResponse(ScsiResponse.GOOD, null, data, data.readableBytes());
    }

    public CompletableFuture<ScsiResponse> checkCondition(Sense sense) {
        return CompletableFuture.completedFuture(checkConditionResponse(sense));
    }

    private ScsiResponse checkConditionResponse(Sense sense) {
        return new ScsiResponse(ScsiResponse.CHECK_CONDITION, sense.toBytes(descriptorSense()), null, dataOutLength);
    }

    public static CompletableFuture<ScsiResponse> reservationConflict() {
        return CompletableFuture.completedFuture(
                new ScsiResponse(ScsiResponse.RESERVATION_CONFLICT, null, null, 0));
    }

    /** Turns any failure of a command into its response: the only place that maps errors to sense. */
    public ScsiResponse fail(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        Sense sense;
        if (cause instanceof CheckCondition cc) {
            sense = cc.sense();
        } else if (cause instanceof LunFailure lf) {
            sense = senseOf(lf);
        } else {
            LOG.warn("LUN {}: command {} failed", command.lun(), String.format("0x%02X", command.opcode()), cause);
            sense = Sense.INTERNAL_TARGET_FAILURE;
        }
        return checkConditionResponse(sense);
    }

    private static Sense senseOf(LunFailure failure) {
        Sense sense = switch (failure.reason()) {
            case UNRECOVERED_READ_ERROR -> Sense.UNRECOVERED_READ_ERROR;
            case WRITE_ERROR -> Sense.WRITE_ERROR;
            case SPACE_ALLOCATION_FAILED -> Sense.SPACE_ALLOCATION_FAILED;
            case WRITE_PROTECTED -> Sense.WRITE_PROTECTED;
            case LBA_OUT_OF_RANGE -> Sense.LBA_OUT_OF_RANGE;
            case INTERNAL_FAILURE -> Sense.INTERNAL_TARGET_FAILURE;
        };
        return failure.lba() >= 0 ? sense.withInformation(failure.lba()) : sense;
    }

    private boolean descriptorSense() {
        return unit != null && unit.mode().descriptorSense();
    }

    /** Runs {@code command}, making sure the result is a response, whatever happens. */
    CompletionStage<ScsiResponse> run(Command cmd) {
        CompletionStage<ScsiResponse> stage;
        try {
            stage = cmd.execute(this);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(fail(e));
        }
        return stage.handle((response, failure) -> failure == null ? response : fail(failure));
    }
}
