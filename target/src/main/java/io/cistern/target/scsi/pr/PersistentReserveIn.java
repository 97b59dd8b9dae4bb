package io.cistern.target.scsi.pr;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/** PERSISTENT RESERVE IN (SPC-4 6.15): READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS. */
public final class PersistentReserveIn implements Command {

    private static final int READ_KEYS = 0, READ_RESERVATION = 1, REPORT_CAPABILITIES = 2, READ_FULL_STATUS = 3;
    private static final int ISCSI_PROTOCOL = 0x05;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        int allocationLength = ((cdb[7] & 0xFF) << 8) | (cdb[8] & 0xFF);
        Reservations.Snapshot state = task.unit().reservations().snapshot();
        ByteBuf out = task.alloc().buffer();
        switch (cdb[1] & 0x1F) {
            case READ_KEYS -> {
                out.writeInt(state.generation()).writeInt(8 * state.registrations().size());
                state.registrations().forEach(r -> out.writeLong(r.key()));
            }
            case READ_RESERVATION -> {
                out.writeInt(state.generation());
                if (state.type() == 0) {
                    out.writeInt(0);
                } else {
                    long key = Reservations.allRegistrants(state.type()) ? 0 : keyOf(state, state.holder());
                    out.writeInt(16).writeLong(key).writeInt(0).writeByte(0).writeByte(state.type()).writeShort(0);
                }
            }
            case REPORT_CAPABILITIES -> out.writeShort(8)
                    .writeByte(0)          // CRH, SIP_C, ATP_C, PTPL_C: none
                    .writeByte(0x80)       // TMV: the type mask below is valid
                    .writeByte(0x80 | 0x40 | 0x20 | 0x08 | 0x02).writeByte(0x01)
                    .writeShort(0);
            case READ_FULL_STATUS -> fullStatus(state, out);
            default -> {
                out.release();
                throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
            }
        }
        return Task.dataIn(out, allocationLength);
    }

    private static void fullStatus(Reservations.Snapshot state, ByteBuf out) {
        out.writeInt(state.generation()).writeInt(0);
        for (Reservations.Registration r : state.registrations()) {
            boolean holder = state.holds(r.nexus());
            byte[] name = r.nexus().initiatorName().getBytes(StandardCharsets.UTF_8);
            int nameLength = Math.max(16, (name.length + 1 + 3) & ~3); // null-terminated, padded to 4
            out.writeLong(r.key()).writeInt(0)
                    .writeByte(holder ? 0x01 : 0).writeByte(holder ? state.type() : 0)
                    .writeInt(0).writeShort(r.nexus().relativeTargetPort())
                    .writeInt(4 + nameLength);
            out.writeByte(ISCSI_PROTOCOL).writeByte(0).writeShort(nameLength)
                    .writeBytes(name).writeZero(nameLength - name.length);
        }
        out.setInt(4, out.writerIndex() - 8);
    }

    private static long keyOf(Reservations.Snapshot state, ItNexus nexus) {
        return state.registrations().stream().filter(r -> r.nexus().equals(nexus))
                .mapToLong(Reservations.Registration::key).findFirst().orElse(0);
    }
}
