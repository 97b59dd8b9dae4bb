package io.cistern.target.scsi;

import static io.cistern.target.scsi.pr.ReservationAccess.ALWAYS;
import static io.cistern.target.scsi.pr.ReservationAccess.READ;
import static io.cistern.target.scsi.pr.ReservationAccess.WRITE;

import io.cistern.target.scsi.pr.PersistentReserveIn;
import io.cistern.target.scsi.pr.PersistentReserveOut;
import io.cistern.target.scsi.pr.Reserve6;
import io.cistern.target.scsi.sbc.BlockCommands;
import io.cistern.target.scsi.spc.Inquiry;
import io.cistern.target.scsi.spc.ModeSelect;
import io.cistern.target.scsi.spc.ModeSense;
import io.cistern.target.scsi.spc.ReportLuns;
import io.cistern.target.scsi.spc.ReportSupportedOperationCodes;
import io.cistern.target.scsi.spc.ReportSupportedTaskManagementFunctions;
import io.cistern.target.scsi.spc.RequestSense;
import io.cistern.target.scsi.spc.Sense;
import io.cistern.target.scsi.spc.TestUnitReady;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every command this device server supports, in one table: the dispatcher looks commands up here
 * and REPORT SUPPORTED OPERATION CODES reports from here, so the two never disagree. Anything not
 * listed answers INVALID COMMAND OPERATION CODE.
 */
public final class CommandSet {

    private final List<OperationCode> codes;

    public CommandSet() {
        List<OperationCode> list = new ArrayList<>();
        Command prIn = new PersistentReserveIn();
        Command prOut = new PersistentReserveOut();
        list.add(OperationCode.of("00 00 00 00 00 00", READ, new TestUnitReady()));
        list.add(OperationCode.of("03 01 00 00 FF 00", ALWAYS, new RequestSense()).servingAnyUnit());
        list.add(OperationCode.of("12 01 FF FF FF 00", ALWAYS, new Inquiry()).servingAnyUnit());
        list.add(OperationCode.of("15 11 00 00 FF 00", WRITE, new ModeSelect(false)));
        list.add(OperationCode.of("16 00 00 00 00 00", ALWAYS, new Reserve6(false)));
        list.add(OperationCode.of("17 00 00 00 00 00", ALWAYS, new Reserve6(true)));
        list.add(OperationCode.of("1A 08 FF FF FF 00", READ, new ModeSense(false)));
        list.add(OperationCode.of("55 11 00 00 00 00 00 FF FF 00", WRITE, new ModeSelect(true)));
        list.add(OperationCode.of("5A 18 FF FF 00 00 00 FF FF 00", READ, new ModeSense(true)));
        for (int sa = 0; sa <= 3; sa++) {
            list.add(OperationCode.withServiceAction(sa, "5E 1F 00 00 00 00 00 FF FF 00", ALWAYS, prIn));
        }
        for (int sa = 0; sa <= 6; sa++) {
            list.add(OperationCode.withServiceAction(sa, "5F 1F FF 00 00 FF FF FF FF 00", ALWAYS, prOut));
        }
        list.add(OperationCode.of("A0 00 FF 00 00 00 FF FF FF FF 00 00", ALWAYS, new ReportLuns()).servingAnyUnit());
        list.add(OperationCode.withServiceAction(0x0C, "A3 1F 87 FF FF FF FF FF FF FF 00 00", ALWAYS,
                new ReportSupportedOperationCodes()));
        list.add(OperationCode.withServiceAction(0x0D, "A3 1F 80 00 00 00 FF FF FF FF 00 00", ALWAYS,
                new ReportSupportedTaskManagementFunctions()));
        list.addAll(BlockCommands.all());
        list.sort(Comparator.comparingInt(OperationCode::opcode).thenComparingInt(OperationCode::serviceAction));
        this.codes = List.copyOf(list);
    }

    public List<OperationCode> all() {
        return codes;
    }

    /** True if {@code opcode} is supported and has service actions. */
    public boolean hasServiceActions(int opcode) {
        return codes.stream().anyMatch(c -> c.opcode() == opcode && c.hasServiceAction());
    }

    /** The entry for this opcode (and service action, where the opcode has them), or null. */
    public OperationCode find(int opcode, int serviceAction) {
        for (OperationCode code : codes) {
            if (code.opcode() == opcode && (!code.hasServiceAction() || code.serviceAction() == serviceAction)) {
                return code;
            }
        }
        return null;
    }

    /** The entry for a CDB, or null. */
    public OperationCode find(byte[] cdb) {
        return find(cdb[0] & 0xFF, cdb[1] & 0x1F);
    }

    /** Why {@link #find(byte[])} found nothing: an unknown opcode, or an unknown service action. */
    public Sense refusal(byte[] cdb) {
        return hasServiceActions(cdb[0] & 0xFF) ? Sense.INVALID_FIELD_IN_CDB : Sense.INVALID_COMMAND_OPERATION_CODE;
    }
}
