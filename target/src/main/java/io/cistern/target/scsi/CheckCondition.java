package io.cistern.target.scsi;

import io.cistern.target.scsi.spc.Sense;

/**
 * Thrown (or used to complete a stage exceptionally) by command code to end a command with
 * CHECK CONDITION and the given sense. Carries no stack trace: it is a value, not a bug.
 */
public final class CheckCondition extends RuntimeException {

    private final Sense sense;

    public CheckCondition(Sense sense) {
        super(null, null, false, false);
        this.sense = sense;
    }

    public Sense sense() {
        return sense;
    }

    @Override
    public String getMessage() {
        return String.format("sense %X/%02X/%02X", sense.key(), sense.asc(), sense.ascq());
    }
}
