package io.cistern.target.scsi;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.spc.Sense;
import io.cistern.target.scsi.ua.UnitAttention;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The SCSI target device (SAM-5 4.6): the logical units of one iSCSI target node and the
 * dispatcher that runs commands against them. LUNs may be added and removed while sessions run;
 * the other nexuses then see REPORTED LUNS DATA HAS CHANGED.
 *
 * <pre>{@code
 * ScsiTargetDevice target = new ScsiTargetDevice();
 * target.addLun(0, FileBackend.open(path, 512), Set.of());                       // every initiator
 * target.addLun(1, new MemoryBackend(1 << 20, 512), Set.of("iqn.1994-05.com.redhat:host")); // masked
 * target.removeLun(1).ifPresent(LunBackend::close);
 * }</pre>
 */
public final class ScsiTargetDevice implements ScsiTarget {

    private final ConcurrentSkipListMap<Long, LogicalUnit> units = new ConcurrentSkipListMap<>();
    private final Set<ItNexus> nexuses = new CopyOnWriteArraySet<>();
    private final CommandSet commands = new CommandSet();
    private final InitiatorsSeen poweredOnFor = new InitiatorsSeen(4096);

    /**
     * Adds a logical unit.
     *
     * @param initiators iSCSI initiator names that may see it; empty: every initiator
     * @throws IllegalArgumentException if the LUN is taken or outside flat space (0..16383)
     */
    public LogicalUnit addLun(long lun, LunBackend backend, Set<String> initiators) {
        if (lun < 0 || lun > 0x3FFF) {
            throw new IllegalArgumentException("LUN out of flat space: " + lun);
        }
        LogicalUnit unit = new LogicalUnit(lun, backend, initiators);
        nexuses.forEach(unit.unitAttentions()::register);
        if (units.putIfAbsent(lun, unit) != null) {
            throw new IllegalArgumentException("LUN " + lun + " exists");
        }
        lunsChanged(unit);
        return unit;
    }

    /**
     * Removes a logical unit; its backend is returned, not closed (commands may still be running
     * on it: the caller closes it, which lets pending operations complete first).
     */
    public Optional<LunBackend> removeLun(long lun) {
        LogicalUnit unit = units.remove(lun);
        if (unit == null) {
            return Optional.empty();
        }
        lunsChanged(unit);
        return Optional.of(unit.backend());
    }

    public Optional<LogicalUnit> unit(long lun) {
        return Optional.ofNullable(units.get(lun));
    }

    /** Every logical unit, by ascending LUN: for management listings. */
    public List<LogicalUnit> units() {
        return List.copyOf(units.values());
    }

    /** The LUNs {@code nexus} may see, ascending. */
    public List<Long> visibleLuns(ItNexus nexus) {
        return units.values().stream().filter(u -> u.visibleTo(nexus)).map(LogicalUnit::number).toList();
    }

    public CommandSet commands() {
        return commands;
    }

    /** Every nexus that sees a unit of the changed inventory hears of it through the units it sees. */
    private void lunsChanged(LogicalUnit changed) {
        for (ItNexus nexus : nexuses) {
            if (changed.visibleTo(nexus)) {
                units.values().stream().filter(u -> u != changed && u.visibleTo(nexus)).forEach(u ->
                        u.unitAttentions().establish(nexus, UnitAttention.REPORTED_LUNS_DATA_HAS_CHANGED));
            }
        }
    }

    @Override
    public boolean lunVisible(ItNexus nexus, long lun) {
        LogicalUnit unit = units.get(lun);
        return unit != null && unit.visibleTo(nexus);
    }

    @Override
    public CompletionStage<ScsiResponse> execute(ScsiCommand cmd) {
        LogicalUnit unit = units.get(cmd.lun());
        if (unit != null && !unit.visibleTo(cmd.nexus())) {
            unit = null; // masked: indistinguishable from absent
        }
        Task task = new Task(this, cmd, unit);
        OperationCode code = commands.find(task.cdb());
        if (unit == null) {
            return code != null && code.anyUnit() ? task.run(code.command())
                    : task.checkCondition(Sense.LOGICAL_UNIT_NOT_SUPPORTED);
        }
        if (code == null || !code.anyUnit()) {
            Optional<UnitAttention> attention = unit.unitAttentions().next(cmd.nexus());
            if (attention.isPresent()) {
                return task.checkCondition(attention.get().sense());
            }
        }
        if (code == null) {
            return task.checkCondition(commands.refusal(task.cdb()));
        }
        if (!code.availableOn(unit)) {
            return task.checkCondition(Sense.INVALID_COMMAND_OPERATION_CODE);
        }
        if ((task.cdb()[code.cdbLength() - 1] & 0x04) != 0) {
            return task.checkCondition(Sense.INVALID_FIELD_IN_CDB); // NACA: ACA is not supported
        }
        if (unit.reservations().conflicts(cmd.nexus(), code.access())) {
            return Task.reservationConflict();
        }
        return task.run(code.command());
    }

    @Override
    public TaskManagementResponse taskManagement(ItNexus nexus, TaskManagementFunction function, long lun) {
        switch (function) {
            case ABORT_TASK, ABORT_TASK_SET, CLEAR_TASK_SET -> {
                // The fabric aborts its own tasks; the core keeps no per-task state (TST=0, TAS=0).
                return lunVisible(nexus, lun) ? TaskManagementResponse.FUNCTION_COMPLETE
                        : TaskManagementResponse.LUN_DOES_NOT_EXIST;
            }
            case LOGICAL_UNIT_RESET -> {
                if (!lunVisible(nexus, lun)) {
                    return TaskManagementResponse.LUN_DOES_NOT_EXIST;
                }
                reset(units.get(lun), nexus, UnitAttention.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                return TaskManagementResponse.FUNCTION_COMPLETE;
            }
            case TARGET_WARM_RESET, TARGET_COLD_RESET -> {
                units.values().forEach(u -> reset(u, nexus, UnitAttention.POWER_ON_RESET));
                return TaskManagementResponse.FUNCTION_COMPLETE;
            }
            default -> {
                return TaskManagementResponse.FUNCTION_NOT_SUPPORTED; // CLEAR ACA: no ACA
            }
        }
    }

    /** A reset keeps persistent reservations but drops the SPC-2 one (SPC-4 5.13.1, SAM-5 6.3). */
    private static void reset(LogicalUnit unit, ItNexus by, UnitAttention attention) {
        unit.reservations().clearReserve6();
        unit.unitAttentions().establishForOthers(by, attention);
    }

    @Override
    public void nexusCreated(ItNexus nexus) {
        nexuses.add(nexus);
        units.values().forEach(u -> u.unitAttentions().register(nexus));
        if (poweredOnFor.firstContact(nexus.initiatorName())) {
            // Each initiator learns once that the device (re)started, as from a disk that powered on;
            // its later sessions (reconnects, reinstatements) start clean.
            units.values().forEach(u -> u.unitAttentions().establish(nexus, UnitAttention.POWER_ON_RESET));
        }
    }

    @Override
    public void nexusLost(ItNexus nexus) {
        nexuses.remove(nexus);
        for (LogicalUnit unit : units.values()) {
            unit.unitAttentions().forget(nexus);
            unit.reservations().nexusLost(nexus);
        }
    }
}
