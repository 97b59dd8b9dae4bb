package io.cistern.target.scsi.sbc;

import static io.cistern.target.scsi.pr.ReservationAccess.ALWAYS;
import static io.cistern.target.scsi.pr.ReservationAccess.READ;
import static io.cistern.target.scsi.pr.ReservationAccess.WRITE;

import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.OperationCode;
import java.util.List;

/** The SBC-3 commands of a direct-access block device, with their CDB usage masks. */
public final class BlockCommands {

    private BlockCommands() {
    }

    public static List<OperationCode> all() {
        Command read = new Read();
        Command write = new Write(false);
        Command writeAndVerify = new Write(true);
        Command verify = new Verify();
        Command sync = new SynchronizeCache();
        Command preFetch = new PreFetch();
        Command writeSame = new WriteSame();
        return List.of(
                OperationCode.of("08 1F FF FF FF 00", READ, read),
                OperationCode.of("0A 1F FF FF FF 00", WRITE, write),
                OperationCode.of("1B 01 00 0F F7 00", WRITE, new StartStopUnit()),
                OperationCode.of("1E 00 00 00 03 00", READ, new PreventAllowMediumRemoval()),
                OperationCode.of("25 00 FF FF FF FF 00 00 01 00", ALWAYS, new ReadCapacity10()),
                OperationCode.of("28 FA FF FF FF FF 1F FF FF 00", READ, read),
                OperationCode.of("2A FA FF FF FF FF 1F FF FF 00", WRITE, write),
                OperationCode.of("2E F6 FF FF FF FF 1F FF FF 00", WRITE, writeAndVerify),
                OperationCode.of("2F F6 FF FF FF FF 1F FF FF 00", READ, verify),
                OperationCode.of("34 02 FF FF FF FF 1F FF FF 00", READ, preFetch),
                OperationCode.of("35 02 FF FF FF FF 1F FF FF 00", WRITE, sync),
                OperationCode.of("41 F8 FF FF FF FF 1F FF FF 00", WRITE, writeSame),
                OperationCode.of("42 01 00 00 00 00 1F FF FF 00", WRITE, new Unmap())
                        .onlyOn(unit -> unit.backend().supportsUnmap()),
                OperationCode.of("88 FA FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", READ, read),
                OperationCode.of("89 FA FF FF FF FF FF FF FF FF 00 00 00 FF 1F 00", WRITE, new CompareAndWrite()),
                OperationCode.of("8A FA FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", WRITE, write),
                OperationCode.of("8E F6 FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", WRITE, writeAndVerify),
                OperationCode.of("8F F6 FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", READ, verify),
                OperationCode.of("90 02 FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", READ, preFetch),
                OperationCode.of("91 02 FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", WRITE, sync),
                OperationCode.of("93 F9 FF FF FF FF FF FF FF FF FF FF FF FF 1F 00", WRITE, writeSame),
                OperationCode.withServiceAction(0x10, "9E 1F FF FF FF FF FF FF FF FF FF FF FF FF 01 00",
                        ALWAYS, new ReadCapacity16()),
                OperationCode.withServiceAction(0x12, "9E 1F FF FF FF FF FF FF FF FF FF FF FF FF 00 00",
                        ALWAYS, new GetLbaStatus()),
                OperationCode.of("A8 FA FF FF FF FF FF FF FF FF 1F 00", READ, read),
                OperationCode.of("AA FA FF FF FF FF FF FF FF FF 1F 00", WRITE, write),
                OperationCode.of("AE F6 FF FF FF FF FF FF FF FF 1F 00", WRITE, writeAndVerify),
                OperationCode.of("AF F6 FF FF FF FF FF FF FF FF 1F 00", READ, verify));
    }
}
