package io.cistern.target.backend;

/**
 * Why a backend operation failed, as a reason code the SCSI core maps to sense data. Backends
 * complete futures exceptionally with this; anything else becomes a hardware error.
 */
public final class LunFailure extends RuntimeException {

    /** Backend failure reasons, each with the sense the SCSI core reports for it. */
    public enum Reason {
        /** MEDIUM ERROR, UNRECOVERED READ ERROR (11/00): e.g. a checksum mismatch. */
        UNRECOVERED_READ_ERROR,
        /** MEDIUM ERROR, WRITE ERROR (0C/00). */
        WRITE_ERROR,
        /** DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27/07): a thin unit is out of space. */
        SPACE_ALLOCATION_FAILED,
        /** DATA PROTECT, WRITE PROTECTED (27/00). */
        WRITE_PROTECTED,
        /** ILLEGAL REQUEST, LOGICAL BLOCK ADDRESS OUT OF RANGE (21/00). */
        LBA_OUT_OF_RANGE,
        /** HARDWARE ERROR, INTERNAL TARGET FAILURE (44/00). */
        INTERNAL_FAILURE
    }

    private final Reason reason;
    private final long lba;

    public LunFailure(Reason reason, long lba, String message) {
        super(message);
        this.reason = reason;
        this.lba = lba;
    }

    public LunFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.lba = -1;
    }

    public Reason reason() {
        return reason;
    }

    /** The first failing LBA, reported in the sense INFORMATION field, or -1 if unknown. */
    public long lba() {
        return lba;
    }
}
