package io.cistern.thinpool.pool;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.MapRecord;
import io.cistern.thinpool.meta.Mapping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The block maps as stored: the one place that knows their records. A record holds the versions of
 * one birth for a range of consecutive blocks ({@link MapRecord}: one block, or a run of raw blocks
 * stored back to back) and is keyed by the range's LAST block, so single-block records are exactly
 * the records pools have always had.
 *
 * <p>Invariant: two records of one map cover either disjoint or identical ranges (versions of other
 * births that snapshots keep share a range, never overlap one partially). So a scan from key
 * (map, b) meets first the record with the smallest last block at or after b, which covers b if it
 * starts at or before b; records then come in block order, those of one range adjacent, newest first.
 * Every change keeps the invariant by cutting records ({@link #apply}): a cut at block b splits every
 * record (of every birth) covering both b-1 and b into two, which changes no block's versions.
 *
 * <p>Every map change goes through here, and patches the {@link MapCache} per block version, so a
 * cached entry always equals what a scan returns.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class MapStore {
    private static final long NONE = Long.MIN_VALUE;

    /** One record: blocks {@code first..last} of map {@code mapId}, all born at {@code birth}. */
    record Rec(long mapId, long first, long last, long birth, MapRecord value) {
        int count() {
            return (int) (last - first + 1);
        }

        /** The version of block {@code b} (which the record covers). */
        Mapping mapping(long b) {
            return value.mapping((int) (b - first));
        }

        boolean sameRange(Rec o) {
            return o != null && o.mapId == mapId && o.first == first && o.last == last;
        }

        byte[] key() {
            return Keys.map(mapId, last, birth);
        }
    }

    /** Records in key order. */
    static final class Records implements AutoCloseable {
        private final KeyValueStore.Cursor c;

        Records(KeyValueStore.Cursor c) {
            this.c = c;
        }

        /** The next record, or null. A malformed value is an IllegalArgumentException. */
        Rec next() {
            if (!c.next()) {
                return null;
            }
            return decode(c.key(), c.value());
        }

        /** The key of the record {@link #next} returned last. */
        byte[] key() {
            return c.key();
        }

        @Override
        public void close() {
            c.close();
        }
    }

    static Rec decode(byte[] key, byte[] value) {
        MapRecord v = MapRecord.decode(value);
        long last = Keys.mapBlockOf(key);
        return new Rec(Keys.mapIdOf(key), last - v.count() + 1, last, Keys.mapBirthOf(key), v);
    }

    private final Engine engine;
    /** Changes whose records the store had to find, the map cache lacking a block ({@link #apply}). */
    long storeAnswered;

    MapStore(Engine engine) {
        this.engine = engine;
    }

    /** Records with keys in {@code [from, to)}, read through the open batch. */
    Records records(byte[] from, byte[] to) {
        return new Records(engine.batch().scan(engine.store, from, to));
    }

    /** Records of map {@code mapId} that end at or after block {@code from}, in block order. */
    Records records(long mapId, long from) {
        return records(Keys.mapBlock(mapId, from), Keys.end(Keys.MAP, mapId));
    }

    /** Records of map {@code mapId} covering a block of {@code [from, to)}, in block order, newest first per range. */
    List<Rec> overlapping(long mapId, long from, long to) {
        List<Rec> out = new ArrayList<>();
        try (Records rs = records(mapId, from)) {
            for (Rec r = rs.next(); r != null && r.first < to; r = rs.next()) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * {@link #overlapping} answered by the map cache, without a seek in the store: possible when every
     * block of {@code [from, to)} is cached, and so are the blocks of records that reach out of it.
     * A record is rebuilt from its birth's versions: it starts after a block with no version of
     * that birth or one that {@linkplain BlockMap.Version#ends ends} a record, and ends at the first
     * version that ends one. Null when a block is not cached.
     */
    private List<Rec> cachedOverlapping(long mapId, long from, long to) {
        int n = (int) (to - from);
        BlockMap.Version[][] vs = new BlockMap.Version[n][];
        for (int i = 0; i < n; i++) {
            if ((vs[i] = engine.maps.get(mapId, from + i)) == null) {
                return null;
            }
        }
        List<Rec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (BlockMap.Version v : vs[i]) { // newest first: key order among records of one range
                if (i > 0 && continues(vs[i - 1], v.birth())) {
                    continue; // its record was taken at an earlier block
                }
                Rec r = cachedRecord(mapId, from, vs, i, v.birth());
                if (r == null) {
                    return null;
                }
                out.add(r);
            }
        }
        return out;
    }

    /** The version in {@code vs} born at {@code birth}, or null. */
    private static BlockMap.Version bornAt(BlockMap.Version[] vs, long birth) {
        for (BlockMap.Version v : vs) {
            if (v.birth() == birth) {
                return v;
            }
        }
        return null;
    }

    /** True if {@code vs} has a version born at {@code birth} whose record goes on to the next block. */
    private static boolean continues(BlockMap.Version[] vs, long birth) {
        BlockMap.Version v = bornAt(vs, birth);
        return v != null && !v.ends();
    }

    /** {@code block}'s version born at {@code birth}, from {@code vs} inside the range or else the cache; null if none or uncached. */
    private BlockMap.Version cachedVersion(long mapId, long from, BlockMap.Version[][] vs, long block, long birth) {
        long i = block - from;
        BlockMap.Version[] at = i >= 0 && i < vs.length ? vs[(int) i] : engine.maps.get(mapId, block);
        return at == null ? null : bornAt(at, birth);
    }

    /**
     * The record born at {@code birth} that holds block {@code from + i}, the first block of the range
     * it holds; null if a block it needs is not cached.
     */
    private Rec cachedRecord(long mapId, long from, BlockMap.Version[][] vs, int i, long birth) {
        long first = from + i;
        if (i == 0) { // it may start before the range
            for (BlockMap.Version[] before; first > Math.max(0, from - MapRecord.MAX_RUN + 1); first--) {
                if ((before = engine.maps.get(mapId, first - 1)) == null) {
                    return null;
                }
                if (!continues(before, birth)) {
                    break;
                }
            }
        }
        List<Mapping> ms = new ArrayList<>(Math.min(MapRecord.MAX_RUN, (int) (from + vs.length - first)));
        for (int k = 0; k < MapRecord.MAX_RUN; k++) {
            BlockMap.Version v = cachedVersion(mapId, from, vs, first + k, birth);
            if (v == null || k > 0 && !MapRecord.joins(ms.get(k - 1), v.mapping())) {
                return null; // not cached, or not what a record can hold: let the store answer
            }
            ms.add(v.mapping());
            if (v.ends()) {
                return new Rec(mapId, first, first + k, birth, record(ms));
            }
        }
        return null;
    }

    /** Same ranges, births and versions (tests run with assertions on: the cache is checked on every write). */
    private static boolean same(List<Rec> a, List<Rec> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Rec x = a.get(i);
            Rec y = b.get(i);
            if (!x.sameRange(y) || x.birth != y.birth || !x.value.equals(y.value)) {
                return false;
            }
        }
        return true;
    }

    /** Every version of blocks {@code first..first+count-1}, newest first per block (one scan). */
    BlockMap.Version[][] versions(long mapId, long first, int count) {
        BlockMap.Version[][] all = new BlockMap.Version[count][];
        try (Records rs = records(mapId, first)) {
            for (Rec r = rs.next(); r != null && r.first < first + count; r = rs.next()) {
                long to = Math.min(r.last, first + count - 1);
                for (long b = Math.max(r.first, first); b <= to; b++) {
                    int i = (int) (b - first);
                    BlockMap.Version[] vs = all[i];
                    vs = vs == null ? new BlockMap.Version[1] : Arrays.copyOf(vs, vs.length + 1);
                    vs[vs.length - 1] = new BlockMap.Version(r.birth, r.mapping(b), b == r.last);
                    all[i] = vs;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (all[i] == null) {
                all[i] = MapCache.NONE;
            }
        }
        return all;
    }

    /** The version of {@code block} born at {@code birth}, or null. */
    Mapping get(long mapId, long block, long birth) {
        try (Records rs = records(mapId, block)) {
            for (Rec r = rs.next(); r != null && r.first <= block; r = rs.next()) {
                if (r.birth == birth) {
                    return r.mapping(block);
                }
            }
        }
        return null;
    }

    /** The first block in {@code [from, to)} with a version, or {@code to}. */
    long firstMapped(long mapId, long from, long to) {
        try (Records rs = records(Keys.mapBlock(mapId, from), Keys.end(Keys.MAP, mapId))) {
            Rec r = rs.next();
            return r == null ? to : Math.min(to, Math.max(from, r.first));
        }
    }

    /** Deletes a whole record (removing a record never breaks the invariant). */
    void delete(Batch batch, Rec r) {
        batch.delete(r.key());
        for (long b = r.first; b <= r.last; b++) {
            engine.maps.removed(r.mapId, b, r.birth);
        }
    }

    /** Removes the version of {@code block} born at {@code birth}. */
    void remove(Batch batch, long mapId, long block, long birth) {
        Update u = new Update(mapId, block, 1);
        u.remove(block, birth);
        apply(batch, u);
    }

    /** Puts a version of {@code block}, which has none of that birth. */
    void put(Batch batch, long mapId, long block, long birth, Mapping m) {
        Update u = new Update(mapId, block, 1);
        u.add(block, birth, m, false);
        apply(batch, u);
    }

    /**
     * Changes to versions of blocks {@code first..first+n-1} of one map, applied together: at most
     * one version removed and one added per block. Added versions marked joinable (raw, of the
     * volblocksize) that follow each other on the device form runs.
     */
    static final class Update {
        final long mapId;
        final long first;
        final int n;
        private final long[] removed;
        private final List<Added> added = new ArrayList<>();

        Update(long mapId, long first, int n) {
            this.mapId = mapId;
            this.first = first;
            this.n = n;
            this.removed = new long[n];
            Arrays.fill(removed, NONE);
        }

        void remove(long block, long birth) {
            int i = index(block);
            if (removed[i] != NONE) {
                throw new IllegalStateException("two removals of block " + block);
            }
            removed[i] = birth;
        }

        /** Adds {@code block}'s version born at {@code birth}; blocks in ascending order. */
        void add(long block, long birth, Mapping m, boolean joinable) {
            index(block);
            Added last = added.isEmpty() ? null : added.get(added.size() - 1);
            if (last != null && block <= last.end()) {
                throw new IllegalStateException("additions out of order at block " + block);
            }
            if (joinable && last != null && last.joinable && last.birth == birth && block == last.end() + 1
                    && last.mappings.size() < MapRecord.MAX_RUN
                    && MapRecord.joins(last.mappings.get(last.mappings.size() - 1), m)) {
                last.mappings.add(m);
                return;
            }
            boolean joins = joinable && !m.hole() && !m.packed();
            List<Mapping> ms = new ArrayList<>(joins ? Math.min(MapRecord.MAX_RUN, (int) (first + n - block)) : 1);
            ms.add(m); // room for the rest of the update: a 1 MiB write's run grew its list 14 times
            added.add(new Added(block, birth, joins, ms));
        }

        private int index(long block) {
            if (block < first || block >= first + n) {
                throw new IllegalArgumentException("block " + block + " outside " + first + "+" + n);
            }
            return (int) (block - first);
        }

        private boolean removes(Rec r, long b) {
            return b >= first && b < first + n && removed[(int) (b - first)] == r.birth;
        }
    }

    private record Added(long first, long birth, boolean joinable, List<Mapping> mappings) {
        long end() {
            return first + mappings.size() - 1;
        }

        MapRecord record() {
            return MapStore.record(mappings);
        }
    }

    /** The record of versions that follow each other on the device (one, or a run). */
    private static MapRecord record(List<Mapping> mappings) {
        if (mappings.size() == 1) {
            return MapRecord.of(mappings.get(0));
        }
        int[] crcs = new int[mappings.size()];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = mappings.get(i).crc();
        }
        return MapRecord.run(mappings.get(0).offset(), mappings.get(0).length(), crcs);
    }

    /**
     * Applies {@code u} with one scan of the records it touches. Records are cut where what is
     * removed from them starts and ends and at both ends of each added record; a record removed
     * whole is deleted whole, so overwriting a run costs one delete and one put. An added run is cut
     * where the records that stay begin and end inside it (versions a snapshot keeps), so it shares
     * their ranges. Every removal must name a version that exists.
     */
    void apply(Batch batch, Update u) {
        long end = u.first + u.n;
        List<Rec> recs = cachedOverlapping(u.mapId, u.first, end);
        if (recs == null) {
            storeAnswered++;
            recs = overlapping(u.mapId, u.first, end);
        } else {
            assert same(recs, overlapping(u.mapId, u.first, end)) : "map cache differs from the store at " + u.first;
        }
        boolean[] edge = new boolean[u.n + 1]; // where a piece that stays starts or ends
        List<Piece> pieces = pieces(u, recs, cuts(u, recs), edge);
        List<Added> added = cutAdded(u, edge);
        Added[] newAt = new Added[u.n];
        for (Added a : added) {
            for (long b = a.first; b <= a.end(); b++) {
                newAt[(int) (b - u.first)] = a;
            }
        }
        for (Piece p : pieces) {
            store(batch, u, p, newAt);
        }
        putAdded(batch, u, added);
    }

    /** cut[k]: the update cuts records between blocks first+k-1 and first+k (an added run or a removal starts there). */
    private static boolean[] cuts(Update u, List<Rec> recs) {
        long end = u.first + u.n;
        boolean[] cut = new boolean[u.n + 1];
        for (Added a : u.added) {
            cut[(int) (a.first - u.first)] = true;
            cut[(int) (a.end() + 1 - u.first)] = true;
        }
        for (Rec r : recs) {
            for (long b = Math.max(r.first + 1, u.first); b <= Math.min(r.last, end); b++) {
                if (u.removes(r, b) != u.removes(r, b - 1)) {
                    cut[(int) (b - u.first)] = true;
                }
            }
        }
        return cut;
    }

    /**
     * The records cut into pieces that go or stay, marking in {@code edge} where those that stay begin
     * and end; fails if the update removes a version that is not there.
     */
    private static List<Piece> pieces(Update u, List<Rec> recs, boolean[] cut, boolean[] edge) {
        long end = u.first + u.n;
        List<Piece> pieces = new ArrayList<>();
        int removed = 0;
        for (Rec r : recs) {
            int from = pieces.size();
            long start = r.first;
            for (long b = Math.max(r.first + 1, u.first); b <= Math.min(r.last, end); b++) {
                if (cut[(int) (b - u.first)]) {
                    pieces.add(new Piece(r, start, b - 1, u.removes(r, start), false));
                    start = b;
                }
            }
            pieces.add(new Piece(r, start, r.last, u.removes(r, start), from == pieces.size()));
            for (Piece p : pieces.subList(from, pieces.size())) {
                removed += p.gone ? p.count() : 0;
                if (!p.gone) {
                    markEdge(edge, u, p.first);
                    markEdge(edge, u, p.last + 1);
                }
            }
        }
        int removals = 0;
        for (long x : u.removed) {
            removals += x == NONE ? 0 : 1;
        }
        if (removed != removals) {
            throw new IllegalStateException("map " + u.mapId + ": " + (removals - removed) + " of " + removals
                    + " versions to remove in blocks " + u.first + "+" + u.n + " do not exist");
        }
        return pieces;
    }

    /** Puts the added records and tells the map cache of each new version. */
    private void putAdded(Batch batch, Update u, List<Added> added) {
        for (Added a : added) {
            batch.put(Keys.map(u.mapId, a.end(), a.birth), a.record().encode());
            for (int i = 0; i < a.mappings.size(); i++) {
                engine.maps.added(u.mapId, a.first + i, new BlockMap.Version(a.birth, a.mappings.get(i), i == a.mappings.size() - 1));
            }
        }
    }

    /** Blocks {@code first..last} of record {@code rec}, dropped ({@code gone}) or kept; {@code whole} if uncut. */
    private record Piece(Rec rec, long first, long last, boolean gone, boolean whole) {
        int count() {
            return (int) (last - first + 1);
        }
    }

    private static void markEdge(boolean[] edge, Update u, long b) {
        if (b >= u.first && b <= u.first + u.n) {
            edge[(int) (b - u.first)] = true;
        }
    }

    /** The added records, runs cut where a piece that stays starts or ends inside them. */
    private static List<Added> cutAdded(Update u, boolean[] edge) {
        List<Added> out = new ArrayList<>(u.added.size());
        for (Added a : u.added) {
            int from = 0;
            for (int i = 1; i < a.mappings.size(); i++) {
                if (edge[(int) (a.first + i - u.first)]) {
                    out.add(new Added(a.first + from, a.birth, a.joinable, a.mappings.subList(from, i)));
                    from = i;
                }
            }
            out.add(from == 0 ? a : new Added(a.first + from, a.birth, a.joinable, a.mappings.subList(from, a.mappings.size())));
        }
        return out;
    }

    /** Records a piece: a dropped one's versions go, a kept one is put under its own key if its record was cut. */
    private void store(Batch batch, Update u, Piece p, Added[] newAt) {
        Rec r = p.rec;
        if (p.gone) {
            for (long b = p.first; b <= p.last; b++) {
                Added a = b >= u.first && b < u.first + u.n ? newAt[(int) (b - u.first)] : null;
                if (a == null || a.birth != r.birth) { // else the added version replaces it in the cache
                    engine.maps.removed(r.mapId, b, r.birth);
                }
            }
            if (p.last == r.last && !rewritten(u, r, newAt)) {
                batch.delete(r.key());
            }
            return;
        }
        checkBeside(u, r, new long[] {p.first, p.last}, newAt);
        if (!p.whole) {
            batch.put(Keys.map(r.mapId, p.last, r.birth), r.value.slice((int) (p.first - r.first), (int) (p.last - r.first + 1)).encode());
            if (p.last != r.last) { // the piece's last block now ends a record: its cached version must say so
                engine.maps.added(r.mapId, p.last, new BlockMap.Version(r.birth, r.mapping(p.last), true));
            }
        }
    }

    /** An added record ends where {@code r} does, born at its birth: its put replaces {@code r}'s key, no delete needed. */
    private static boolean rewritten(Update u, Rec r, Added[] newAt) {
        long i = r.last - u.first;
        Added a = i >= 0 && i < u.n ? newAt[(int) i] : null;
        return a != null && a.end() == r.last && a.birth == r.birth;
    }

    /** A piece that stays may share blocks with an added record only if it covers the same ones, at another birth. */
    private static void checkBeside(Update u, Rec r, long[] p, Added[] newAt) {
        for (long b = Math.max(p[0], u.first); b <= Math.min(p[1], u.first + u.n - 1); b++) {
            Added a = newAt[(int) (b - u.first)];
            if (a != null && (a.first != p[0] || a.end() != p[1] || a.birth == r.birth)) {
                throw new IllegalStateException("map " + r.mapId + ": record " + a.first + ".." + a.end() + " born "
                        + a.birth + " would overlap " + p[0] + ".." + p[1] + " born " + r.birth);
            }
        }
    }
}
