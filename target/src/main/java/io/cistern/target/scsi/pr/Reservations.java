package io.cistern.target.scsi.pr;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.spc.Sense;
import io.cistern.target.scsi.ua.UnitAttention;
import io.cistern.target.scsi.ua.UnitAttentions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reservation state of one logical unit: SPC-3 persistent reservations (registrations keyed by
 * I_T nexus, at most one reservation) and the older SPC-2 RESERVE(6)/RELEASE(6) reservation.
 * Not persisted across restarts (PTPL_C=0). Persistent reservations survive I_T nexus loss and
 * LOGICAL UNIT RESET, as SPC-4 5.13 requires; the SPC-2 reservation does not.
 */
public final class Reservations {

    public static final int WRITE_EXCLUSIVE = 1;
    public static final int EXCLUSIVE_ACCESS = 3;
    public static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
    public static final int EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 6;
    public static final int WRITE_EXCLUSIVE_ALL_REGISTRANTS = 7;
    public static final int EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 8;

    /** A snapshot for PERSISTENT RESERVE IN. */
    public record Registration(ItNexus nexus, long key) {
    }

    public record Snapshot(int generation, List<Registration> registrations, ItNexus holder, int type) {
        public boolean holds(ItNexus nexus) {
            if (type == 0) {
                return false;
            }
            return allRegistrants(type)
                    ? registrations.stream().anyMatch(r -> r.nexus().equals(nexus))
                    : Objects.equals(holder, nexus);
        }
    }

    private final UnitAttentions unitAttentions;
    private final Map<ItNexus, Long> registrations = new LinkedHashMap<>();
    private int generation;
    private ItNexus holder;
    private int type;
    private ItNexus reserve6Holder;

    public Reservations(UnitAttentions unitAttentions) {
        this.unitAttentions = unitAttentions;
    }

    static boolean allRegistrants(int type) {
        return type == WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    static boolean validType(int type) {
        return type == 1 || type == 3 || (type >= 5 && type <= 8);
    }

    private static boolean registrantsAccess(int type) {
        return type >= WRITE_EXCLUSIVE_REGISTRANTS_ONLY;
    }

    private static boolean exclusiveAccess(int type) {
        return type == EXCLUSIVE_ACCESS || type == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY
                || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** True if a command of class {@code access} from {@code nexus} meets a RESERVATION CONFLICT. */
    public synchronized boolean conflicts(ItNexus nexus, ReservationAccess access) {
        if (access == ReservationAccess.ALWAYS) {
            return false;
        }
        if (reserve6Holder != null) {
            return !reserve6Holder.equals(nexus);
        }
        if (type == 0 || Objects.equals(holder, nexus)) {
            return false;
        }
        if (registrantsAccess(type) && registrations.containsKey(nexus)) {
            return false;
        }
        return access == ReservationAccess.WRITE || exclusiveAccess(type);
    }

    public synchronized Snapshot snapshot() {
        List<Registration> list = registrations.entrySet().stream()
                .map(e -> new Registration(e.getKey(), e.getValue())).toList();
        return new Snapshot(generation, list, holder, type);
    }

    // ---- SPC-2 RESERVE(6) / RELEASE(6)

    /** RESERVE(6): false on conflict (held by another nexus, or a persistent reservation exists). */
    public synchronized boolean reserve6(ItNexus nexus) {
        if ((reserve6Holder != null && !reserve6Holder.equals(nexus)) || type != 0) {
            return false;
        }
        reserve6Holder = nexus;
        return true;
    }

    /** RELEASE(6): releasing someone else's reservation is a no-op (SPC-2 7.23). */
    public synchronized boolean release6(ItNexus nexus) {
        if (type != 0 && !Objects.equals(holder, nexus)) {
            return false;
        }
        if (nexus.equals(reserve6Holder)) {
            reserve6Holder = null;
        }
        return true;
    }

    /** Nexus loss, LOGICAL UNIT RESET, target reset: the SPC-2 reservation goes (SPC-2 5.5.1). */
    public synchronized void clearReserve6() {
        reserve6Holder = null;
    }

    public synchronized void nexusLost(ItNexus nexus) {
        if (nexus.equals(reserve6Holder)) {
            reserve6Holder = null;
        }
    }

    // ---- PERSISTENT RESERVE OUT service actions; false means RESERVATION CONFLICT

    public synchronized boolean register(ItNexus nexus, long key, long newKey, boolean ignoreExisting) {
        Long current = registrations.get(nexus);
        if (!ignoreExisting && key != (current == null ? 0 : current)) {
            return false;
        }
        if (newKey == 0) {
            if (current != null) {
                unregister(nexus);
            }
        } else {
            registrations.put(nexus, newKey);
        }
        generation++;
        return true;
    }

    public synchronized boolean reserve(ItNexus nexus, long key, int newType) {
        if (!registeredWith(nexus, key)) {
            return false;
        }
        if (type == 0) {
            holder = nexus;
            type = newType;
            return true;
        }
        return snapshot().holds(nexus) && type == newType;
    }

    public synchronized boolean release(ItNexus nexus, long key, int releaseType) {
        if (!registeredWith(nexus, key)) {
            return false;
        }
        if (type == 0 || !snapshot().holds(nexus)) {
            return true;
        }
        if (releaseType != type) {
            throw new CheckCondition(Sense.of(Sense.ILLEGAL_REQUEST, 0x26, 0x04)); // INVALID RELEASE OF PR
        }
        releaseReservation(nexus);
        return true;
    }

    public synchronized boolean clear(ItNexus nexus, long key) {
        if (!registeredWith(nexus, key)) {
            return false;
        }
        registrations.keySet().stream().filter(n -> !n.equals(nexus))
                .forEach(n -> unitAttentions.establish(n, UnitAttention.RESERVATIONS_PREEMPTED));
        registrations.clear();
        holder = null;
        type = 0;
        generation++;
        return true;
    }

    public synchronized boolean preempt(ItNexus nexus, long key, long victimKey, int newType) {
        if (!registeredWith(nexus, key)) {
            return false;
        }
        if (type != 0 && allRegistrants(type)) {
            if (victimKey == 0) {
                removeRegistrations(nexus, n -> !n.equals(nexus));
                holder = nexus;
                type = newType;
            } else if (!removeRegistrations(nexus, n -> registrations.get(n) == victimKey)) {
                return false;
            }
        } else if (type != 0 && registrations.get(holder) == victimKey) {
            removeRegistrations(nexus, n -> registrations.get(n) == victimKey && !n.equals(nexus));
            holder = nexus;
            type = newType;
        } else {
            if (victimKey == 0) {
                throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
            if (!removeRegistrations(nexus, n -> registrations.get(n) == victimKey)) {
                return false;
            }
        }
        generation++;
        return true;
    }

    private boolean registeredWith(ItNexus nexus, long key) {
        Long current = registrations.get(nexus);
        return current != null && current == key;
    }

    private boolean removeRegistrations(ItNexus by, Predicate<ItNexus> which) {
        List<ItNexus> victims = registrations.keySet().stream().filter(which).toList();
        for (ItNexus victim : victims) {
            registrations.remove(victim);
            if (!victim.equals(by)) {
                unitAttentions.establish(victim, UnitAttention.REGISTRATIONS_PREEMPTED);
            }
            if (victim.equals(holder) && !allRegistrants(type)) {
                holder = null;
                type = 0;
            }
        }
        if (type != 0 && allRegistrants(type) && registrations.isEmpty()) {
            holder = null;
            type = 0;
        }
        return !victims.isEmpty();
    }

    private void unregister(ItNexus nexus) {
        registrations.remove(nexus);
        if (type == 0) {
            return;
        }
        if (allRegistrants(type) ? registrations.isEmpty() : nexus.equals(holder)) {
            releaseReservation(nexus);
        }
    }

    /** Registrants-only and all-registrants releases tell the other registrants (SPC-4 5.13.11.2). */
    private void releaseReservation(ItNexus by) {
        if (registrantsAccess(type)) {
            registrations.keySet().stream().filter(n -> !n.equals(by))
                    .forEach(n -> unitAttentions.establish(n, UnitAttention.RESERVATIONS_RELEASED));
        }
        holder = null;
        type = 0;
    }
}
