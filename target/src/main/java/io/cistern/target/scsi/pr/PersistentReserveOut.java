package io.cistern.target.scsi.pr;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/** PERSISTENT RESERVE OUT (SPC-4 6.16): the basic 24-byte parameter list only. */
public final class PersistentReserveOut implements Command {

    private static final int REGISTER = 0, RESERVE = 1, RELEASE = 2, CLEAR = 3, PREEMPT = 4,
            PREEMPT_AND_ABORT = 5, REGISTER_AND_IGNORE = 6;
    private static final int PARAMETER_LIST_LENGTH = 24;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        int serviceAction = cdb[1] & 0x1F;
        int scope = (cdb[2] & 0xF0) >>> 4;
        int type = cdb[2] & 0x0F;
        long length = ((cdb[5] & 0xFFL) << 24) | ((cdb[6] & 0xFF) << 16) | ((cdb[7] & 0xFF) << 8) | (cdb[8] & 0xFF);
        if (serviceAction > REGISTER_AND_IGNORE) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB); // REGISTER AND MOVE and beyond
        }
        if (length != PARAMETER_LIST_LENGTH) {
            throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        ByteBuf params = task.dataOut(PARAMETER_LIST_LENGTH);
        long key = params.getLong(0);
        long serviceActionKey = params.getLong(8);
        int flags = params.getByte(20);
        if ((flags & 0x0D) != 0) {
            // SPEC_I_PT, ALL_TG_PT and APTPL are not supported (REPORT CAPABILITIES says so)
            throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        boolean usesType = serviceAction == RESERVE || serviceAction == RELEASE
                || serviceAction == PREEMPT || serviceAction == PREEMPT_AND_ABORT;
        if (usesType && (scope != 0 || !Reservations.validType(type))) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        Reservations state = task.unit().reservations();
        boolean done = switch (serviceAction) {
            case REGISTER -> state.register(task.nexus(), key, serviceActionKey, false);
            case REGISTER_AND_IGNORE -> state.register(task.nexus(), key, serviceActionKey, true);
            case RESERVE -> state.reserve(task.nexus(), key, type);
            case RELEASE -> state.release(task.nexus(), key, type);
            case CLEAR -> state.clear(task.nexus(), key);
            default -> state.preempt(task.nexus(), key, serviceActionKey, type); // the fabric aborts tasks
        };
        return done ? Task.good() : Task.reservationConflict();
    }
}
