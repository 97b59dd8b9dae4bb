package io.cistern.target.scsi.ua;

import io.cistern.target.scsi.ItNexus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The unit attention conditions pending for one logical unit, per I_T nexus (SPC-4 5.14). The
 * device registers every nexus with every unit, so conditions raised for "the other nexuses" reach
 * those that have not sent a command yet. A condition already queued for a nexus is not queued twice.
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

    /** A nexus came into being: it starts with nothing pending. */
    public synchronized void register(ItNexus nexus) {
        pending.putIfAbsent(nexus, new ArrayDeque<>());
    }

    public synchronized void forget(ItNexus nexus) {
        pending.remove(nexus);
    }

    /** Removes and returns the oldest condition pending for {@code nexus}. */
    public synchronized Optional<UnitAttention> next(ItNexus nexus) {
        return Optional.ofNullable(queueOf(nexus).poll());
    }

    private Deque<UnitAttention> queueOf(ItNexus nexus) {
        return pending.computeIfAbsent(nexus, n -> new ArrayDeque<>());
    }

    private static void add(Deque<UnitAttention> queue, UnitAttention ua) {
        if (!queue.contains(ua) && queue.size() < MAX_QUEUED) {
            queue.add(ua);
        }
    }
}
