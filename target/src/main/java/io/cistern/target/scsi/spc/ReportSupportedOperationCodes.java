package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.CommandSet;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.OperationCode;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/** REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), straight from the {@link CommandSet}. */
public final class ReportSupportedOperationCodes implements Command {

    private static final int ALL = 0, ONE = 1, ONE_WITH_SERVICE_ACTION = 2;
    private static final int SUPPORTED = 0x03, NOT_SUPPORTED = 0x01;
    private static final int CTDP = 0x02, SERVACTV = 0x01;
    /** Recommended command timeout in seconds: generous, since writes wait for a backend. */
    private static final int RECOMMENDED_TIMEOUT = 30;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean rctd = (cdb[2] & 0x80) != 0;
        int options = cdb[2] & 0x07;
        int opcode = Fields.u8(cdb, 3);
        int serviceAction = Fields.u16(cdb, 4);
        int allocationLength = Fields.clamp(Fields.u32(cdb, 6));
        CommandSet commands = task.device().commands();
        ByteBuf b = task.alloc().buffer();
        try {
            switch (options) {
                case ALL -> {
                    b.writeInt(0);
                    for (OperationCode code : commands.all()) {
                        if (!code.availableOn(task.unit())) {
                            continue;
                        }
                        b.writeByte(code.opcode()).writeByte(0)
                                .writeShort(Math.max(0, code.serviceAction())).writeByte(0)
                                .writeByte((rctd ? CTDP : 0) | (code.hasServiceAction() ? SERVACTV : 0))
                                .writeShort(code.cdbLength());
                        if (rctd) {
                            timeouts(b);
                        }
                    }
                    b.setInt(0, b.writerIndex() - 4);
                }
                case ONE, ONE_WITH_SERVICE_ACTION -> {
                    if (commands.hasServiceActions(opcode) != (options == ONE_WITH_SERVICE_ACTION)
                            || (options == ONE && serviceAction != 0)) {
                        throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
                    }
                    OperationCode code = commands.find(opcode, serviceAction);
                    one(b, code == null || !code.availableOn(task.unit()) ? null : code, rctd);
                }
                default -> throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
            }
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return Task.dataIn(b, allocationLength);
    }

    private static void one(ByteBuf b, OperationCode code, boolean rctd) {
        if (code == null) {
            b.writeByte(0).writeByte(NOT_SUPPORTED).writeShort(0);
            return;
        }
        b.writeByte(0).writeByte((rctd ? 0x80 : 0) | SUPPORTED).writeShort(code.cdbLength()).writeBytes(code.usage());
        if (rctd) {
            timeouts(b);
        }
    }

    private static void timeouts(ByteBuf b) {
        b.writeShort(0x0A).writeByte(0).writeByte(0).writeInt(0).writeInt(RECOMMENDED_TIMEOUT);
    }
}
