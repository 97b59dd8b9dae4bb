package io.cistern.target.scsi;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.pr.Reservations;
import io.cistern.target.scsi.sbc.WriteGate;
import io.cistern.target.scsi.spc.ModeParameters;
import io.cistern.target.scsi.ua.UnitAttention;
import io.cistern.target.scsi.ua.UnitAttentions;
import java.util.Set;

/**
 * One logical unit of a {@link ScsiTargetDevice}: its LUN, its storage, who may see it, and the
 * per-unit SCSI state (unit attentions, mode parameters, reservations, the COMPARE AND WRITE gate).
 */
public final class LogicalUnit {

    private final long number;
    private final LunBackend backend;
    private final Set<String> initiators;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final ModeParameters mode = new ModeParameters();
    private final Reservations reservations = new Reservations(unitAttentions);
    private final WriteGate writeGate = new WriteGate();

    /**
     * @param initiators iSCSI initiator names that may see this unit; empty means every initiator
     */
    LogicalUnit(long number, LunBackend backend, Set<String> initiators) {
        this.number = number;
        this.backend = backend;
        this.initiators = Set.copyOf(initiators);
        backend.listen(new LunBackend.Listener() {
            @Override
            public void capacityChanged() {
                unitAttentions.establishForOthers(null, UnitAttention.CAPACITY_DATA_HAS_CHANGED);
            }

            @Override
            public void softThresholdReached() {
                unitAttentions.establishForOthers(null, UnitAttention.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED);
            }
        });
    }

    public long number() {
        return number;
    }

    public LunBackend backend() {
        return backend;
    }

    public boolean visibleTo(ItNexus nexus) {
        return initiators.isEmpty() || initiators.contains(nexus.initiatorName());
    }

    public UnitAttentions unitAttentions() {
        return unitAttentions;
    }

    public ModeParameters mode() {
        return mode;
    }

    public Reservations reservations() {
        return reservations;
    }

    public WriteGate writeGate() {
        return writeGate;
    }
}
