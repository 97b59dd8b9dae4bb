package io.cistern.target.scsi;

import io.cistern.target.scsi.pr.ReservationAccess;
import java.util.HexFormat;
import java.util.function.Predicate;

/**
 * One supported operation code (with its service action, if it has them): what runs it and what
 * REPORT SUPPORTED OPERATION CODES says of it.
 *
 * @param serviceAction the service action, or -1 for an operation code without them
 * @param usage         the CDB USAGE DATA bit mask (SPC-4 6.35.3); its length is the CDB length
 * @param access        how it fares under another nexus' reservation
 * @param availability which units support it (absent from the others' point of view)
 * @param anyUnit       served for absent LUNs too, and never reports a unit attention
 *                      (INQUIRY, REPORT LUNS, REQUEST SENSE: SPC-4 5.14)
 */
public record OperationCode(int opcode, int serviceAction, byte[] usage, ReservationAccess access,
                            boolean anyUnit, Command command, Predicate<LogicalUnit> availability) {

    public static OperationCode of(String usage, ReservationAccess access, Command command) {
        return withServiceAction(-1, usage, access, command);
    }

    public static OperationCode withServiceAction(int serviceAction, String usage, ReservationAccess access,
                                           Command command) {
        byte[] mask = HexFormat.of().parseHex(usage.replace(" ", ""));
        return new OperationCode(mask[0] & 0xFF, serviceAction, mask, access, false, command, unit -> true);
    }

    OperationCode servingAnyUnit() {
        return new OperationCode(opcode, serviceAction, usage, access, true, command, availability);
    }

    /** The same, but only supported on units that pass {@code test} (e.g. UNMAP needs unmap support). */
    public OperationCode onlyOn(Predicate<LogicalUnit> test) {
        return new OperationCode(opcode, serviceAction, usage, access, anyUnit, command, test);
    }

    public boolean availableOn(LogicalUnit unit) {
        return availability.test(unit);
    }

    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    public int cdbLength() {
        return usage.length;
    }
}
