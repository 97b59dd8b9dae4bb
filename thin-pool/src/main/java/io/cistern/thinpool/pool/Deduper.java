package io.cistern.thinpool.pool;

import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.dedup.DeviceVerifier;
import io.cistern.thinpool.dedup.Verifier;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Mapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The dedup side of the write path: which new blocks of a write need not be stored because the
 * pool's dedup table ({@link Engine#ddt}) or an earlier block of the same write holds the same
 * bytes. Hashes are made off the metadata thread ({@link Stored}); here, on it, they are looked up.
 * With {@code dedup=verify} a table hit counts only once the stored bytes are read back and compared
 * (on this thread, after any data write in flight to them has landed); two blocks of one write are
 * compared in memory.
 *
 * <p>Thread-safety: {@link #hasher} from any thread; the rest on the metadata thread.
 */
final class Deduper {
    private final Engine engine;
    private final Function<ByteBuffer, byte[]> hasher;
    private final Verifier verifier;

    Deduper(Engine engine, Function<ByteBuffer, byte[]> hasher) {
        this.engine = engine;
        this.hasher = hasher;
        DeviceVerifier device = new DeviceVerifier(engine.device);
        this.verifier = (value, block) -> {
            Mapping m = Mapping.decode(value);
            engine.awaitWritten(m.address(), m.length());
            return device.sameBytes(value, block);
        };
    }

    /** The block hash: SHA-256 in the pool (tests may force collisions). */
    Function<ByteBuffer, byte[]> hasher() {
        return hasher;
    }

    /**
     * {@code data} as head {@code h} stores it now: compressed again if its compression changed since
     * the caller stored it, hashed if the head dedups and the caller did not.
     */
    Stored current(DatasetRecord h, Stored data) {
        if (data == null) {
            return null;
        }
        if (!data.compression().equals(h.compression)) {
            data = Stored.of(data.block(), h.compression, data.span());
        }
        return h.dedup != Dedup.OFF && data.hash() == null ? data.hashed(hasher) : data;
    }

    /**
     * Where a new block's bytes come from: a table entry's block, an earlier block of the write, or
     * itself; {@code enter}: stored, and its hash is in neither the table nor earlier in the write.
     */
    record Match(Mapping entry, int twin, boolean enter) {
        static final Match NONE = new Match(null, -1, false);

        boolean stores() {
            return entry == null && twin < 0;
        }
    }

    /** The matching of one write's new blocks, in order. */
    final class Write {
        private final Dedup mode;
        private final Map<ByteBuffer, Integer> stored = new HashMap<>();
        private final Map<Integer, Stored> storing = new HashMap<>();

        Write(DatasetRecord h) {
            this.mode = h.dedup;
        }

        /** True if this write's new blocks go through the table. */
        boolean active() {
            return mode != Dedup.OFF;
        }

        /** Matches new block number {@code index} of the write (indexes rise with each call). */
        Match match(int index, Stored data) {
            if (!active()) {
                return Match.NONE;
            }
            ByteBuffer key = ByteBuffer.wrap(data.hash());
            Integer earlier = stored.get(key);
            if (earlier != null) {
                boolean same = mode == Dedup.ON || storing.get(earlier).block().equals(data.block());
                return same ? new Match(null, earlier, false) : Match.NONE; // a collision is stored apart, not entered
            }
            stored.put(key, index);
            storing.put(index, data);
            byte[] value = engine.ddt.lookup(engine.batch(), data.hash());
            if (value == null) {
                return new Match(null, -1, true);
            }
            if (mode == Dedup.ON || sameBytes(value, data.block())) {
                stored.remove(key);
                storing.remove(index);
                return new Match(Mapping.decode(value), -1, false);
            }
            return Match.NONE; // a collision: stored apart, the table keeps the first
        }

        private boolean sameBytes(byte[] value, ByteBuffer block) {
            try {
                return verifier.sameBytes(value, block);
            } catch (IOException e) {
                return false; // unreadable: store the block anew rather than share what cannot be compared
            }
        }
    }
}
