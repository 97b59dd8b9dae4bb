package io.cistern.thinpool.dedup;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The dedup table's in-memory cache: hash to map value, in flat arrays allocated once to the memory
 * cap, so it holds {@link #BYTES_PER_ENTRY} bytes an entry (ZFS's in-core DDT entry is about 150
 * to 320) and never grows whatever the pool's size. Set-associative ({@link #WAYS} ways; a SHA-256
 * spreads evenly), with CLOCK eviction inside a set: an entry used since the hand last passed stays.
 *
 * <p>Thread-safety: synchronized (the metadata thread uses it; stats are read from anywhere).
 */
final class DdtCache {
    static final int WAYS = 8;
    static final int MAX_VALUE = 20;
    /** 32 bytes of hash, 20 of value, 1 of state (valid, referenced, value length). */
    static final int BYTES_PER_ENTRY = 32 + MAX_VALUE + 1;
    private static final int VALID = 0x80;
    private static final int REFERENCED = 0x40;
    private static final int LENGTH = 0x3F;

    private final int sets;
    private final long[] keys;
    private final byte[] values;
    private final byte[] state;
    private final byte[] hands;
    private long size;
    private long hits;
    private long misses;
    private long evictions;

    /** A cache of at most {@code capBytes} (at least one set). */
    DdtCache(long capBytes) {
        long entries = Math.max(1, capBytes / (BYTES_PER_ENTRY * WAYS + 1)) * WAYS; // + a CLOCK hand per set
        if (entries * 4 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dedup cache cap too large: " + capBytes + " bytes");
        }
        this.sets = (int) (entries / WAYS);
        int n = sets * WAYS;
        this.keys = new long[n * 4];
        this.values = new byte[n * MAX_VALUE];
        this.state = new byte[n];
        this.hands = new byte[sets];
    }

    synchronized byte[] get(byte[] hash) {
        int slot = find(hash);
        if (slot < 0) {
            misses++;
            return null;
        }
        hits++;
        state[slot] |= REFERENCED;
        int len = state[slot] & LENGTH;
        return Arrays.copyOfRange(values, slot * MAX_VALUE, slot * MAX_VALUE + len);
    }

    synchronized void put(byte[] hash, byte[] value) {
        if (value.length > MAX_VALUE) {
            throw new IllegalArgumentException("DDT value of " + value.length + " bytes");
        }
        int slot = find(hash);
        if (slot < 0) {
            slot = victim(set(hash));
            if ((state[slot] & VALID) == 0) {
                size++;
            } else {
                evictions++;
            }
            ByteBuffer k = ByteBuffer.wrap(hash);
            for (int i = 0; i < 4; i++) {
                keys[slot * 4 + i] = k.getLong();
            }
        }
        System.arraycopy(value, 0, values, slot * MAX_VALUE, value.length);
        state[slot] = (byte) (VALID | REFERENCED | value.length);
    }

    synchronized void remove(byte[] hash) {
        int slot = find(hash);
        if (slot >= 0) {
            state[slot] = 0;
            size--;
        }
    }

    synchronized long size() {
        return size;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    /** Entries dropped to make room, since the cache was made. */
    synchronized long evictions() {
        return evictions;
    }

    /** Memory held, fixed at construction. */
    long bytes() {
        return (long) keys.length * 8 + values.length + state.length + hands.length;
    }

    long capacity() {
        return state.length;
    }

    private int set(byte[] hash) {
        return (int) Long.remainderUnsigned(ByteBuffer.wrap(hash).getLong(8), sets);
    }

    private int find(byte[] hash) {
        ByteBuffer k = ByteBuffer.wrap(hash);
        long k0 = k.getLong();
        long k1 = k.getLong();
        long k2 = k.getLong();
        long k3 = k.getLong();
        int base = set(hash) * WAYS;
        for (int slot = base; slot < base + WAYS; slot++) {
            int o = slot * 4;
            if ((state[slot] & VALID) != 0 && keys[o] == k0 && keys[o + 1] == k1 && keys[o + 2] == k2 && keys[o + 3] == k3) {
                return slot;
            }
        }
        return -1;
    }

    /** A free way of the set, else the first the CLOCK hand finds unreferenced. */
    private int victim(int set) {
        int base = set * WAYS;
        for (int slot = base; slot < base + WAYS; slot++) {
            if ((state[slot] & VALID) == 0) {
                return slot;
            }
        }
        int hand = hands[set];
        while (true) {
            int slot = base + hand;
            hand = (hand + 1) % WAYS;
            if ((state[slot] & REFERENCED) == 0) {
                hands[set] = (byte) hand;
                return slot;
            }
            state[slot] &= ~REFERENCED;
        }
    }
}
