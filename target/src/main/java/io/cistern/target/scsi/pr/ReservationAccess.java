package io.cistern.target.scsi.pr;

/**
 * How a command fares under a reservation held by someone else (SPC-4 5.13.1, SBC-3 4.18):
 * the one column of the conflict tables each command needs.
 */
public enum ReservationAccess {
    /** Allowed under every reservation (INQUIRY, REPORT LUNS, READ CAPACITY, PR commands...). */
    ALWAYS,
    /** Allowed under Write Exclusive, conflicts under Exclusive Access (READ, VERIFY, MODE SENSE...). */
    READ,
    /** Conflicts under every reservation type (WRITE, UNMAP, MODE SELECT, SYNCHRONIZE CACHE...). */
    WRITE
}
