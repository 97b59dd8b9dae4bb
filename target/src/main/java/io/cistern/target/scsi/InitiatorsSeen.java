package io.cistern.target.scsi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The initiators a device has been in contact with since it started, bounded: the oldest are
 * forgotten first, so a stream of made-up initiator names cannot grow it without limit.
 *
 * <p>Thread-safe.
 */
final class InitiatorsSeen {
    private final Map<String, Boolean> seen;

    InitiatorsSeen(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code initiatorName} is seen (or after it was forgotten). */
    synchronized boolean firstContact(String initiatorName) {
        return seen.put(initiatorName, Boolean.TRUE) == null;
    }
}
