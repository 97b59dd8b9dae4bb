package io.cistern.target.scsi.ua;

import io.cistern.target.scsi.spc.Sense;

/** The unit attention conditions the core establishes (SPC-4 6.4 ASC/ASCQ table). */
public enum UnitAttention {
    POWER_ON_RESET(0x29, 0x00),
    BUS_DEVICE_RESET_FUNCTION_OCCURRED(0x29, 0x03),
    MODE_PARAMETERS_CHANGED(0x2A, 0x01),
    CAPACITY_DATA_HAS_CHANGED(0x2A, 0x09),
    RESERVATIONS_PREEMPTED(0x2A, 0x03),
    RESERVATIONS_RELEASED(0x2A, 0x04),
    REGISTRATIONS_PREEMPTED(0x2A, 0x05),
    THIN_PROVISIONING_SOFT_THRESHOLD_REACHED(0x38, 0x07),
    REPORTED_LUNS_DATA_HAS_CHANGED(0x3F, 0x0E);

    private final Sense sense;

    UnitAttention(int asc, int ascq) {
        this.sense = Sense.of(Sense.UNIT_ATTENTION, asc, ascq);
    }

    public Sense sense() {
        return sense;
    }
}
