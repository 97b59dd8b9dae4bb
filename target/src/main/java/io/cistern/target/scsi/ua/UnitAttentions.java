package io.cistern.target.scsi.ua;

import io.cistern.target.scsi.ItNexus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The unit attention conditions pending for one logical unit, per I_T nexus (SPC-4 5.14). A nexus
 * the unit has not seen yet gets POWER ON, RESET first: the unit was "powered on" for it.
 * A condition already queued for a nexus is not queued twice.
 */
public final class UnitAttentions {

    /** SAM bounds the queue; beyond this the oldest conditions are what matters. */
    private static final int MAX_QUEUED = 16;

    private final Map<ItNexus, Deque<UnitAttention>> pending = new HashMap<>();

    /** Establishes {@code ua} for every known nexus except {@code except} (may be null). */
    public synchronized void establishForOthers(ItNexus except, UnitAttention ua) {
        pending.forEach((nexus, queue) -> {
            if (!nexus.equals(except)) {
                add(queue, ua);
            }
        });
    }

    /** Establishes {@code ua} for one nexus. */
    public synchronized void establish(ItNexus nexus, UnitAttention ua) {
        add(queueOf(nexus), ua);
    }

    /** Forgets everything pending and treats {@code nexus} as new: POWER ON, RESET. */
    public synchronized void powerOn(ItNexus nexus) {
        Deque<UnitAttention> queue = new ArrayDeque<>();
        queue.add(UnitAttention.POWER_ON_RESET);
        pending.put(nexus, queue);
    }

    public synchronized void forget(ItNexus nexus) {
        pending.remove(nexus);
    }

    /** Removes and returns the oldest condition pending for {@code nexus}. */
    public synchronized Optional<UnitAttention> next(ItNexus nexus) {
        return Optional.ofNullable(queueOf(nexus).poll());
    }

    private Deque<UnitAttention> queueOf(ItNexus nexus) {
        return pending.computeIfAbsent(nexus, n -> {
            Deque<UnitAttention> queue = new ArrayDeque<>();
            queue.add(UnitAttention.POWER_ON_RESET);
            return queue;
        });
    }

    private static void add(Deque<UnitAttention> queue, UnitAttention ua) {
        if (!queue.contains(ua) && queue.size() < MAX_QUEUED) {
            queue.add(ua);
        }
    }
}
