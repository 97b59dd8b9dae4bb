package io.cistern.thinpool.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.function.BiConsumer;

/**
 * A batch's keys and values in unsigned key order: sorted leaves of up to {@link #LEAF} entries
 * under one sorted array of the leaves' first keys (two levels of a B+tree). A put into a red-black
 * tree (the TreeMap this replaces) of 64k keys follows some 17 nodes and compares 17 keys scattered
 * over the heap, a cache miss each; here it searches a small, hot array of first keys, then one
 * leaf's hints (below). The tree's puts were 40% of the metadata thread writing new deduped data
 * (random hash keys), and most of the extra cost of overwrites after a snapshot (dead-list keys).
 * The first keys' leading bytes sit in a long array too: comparing the keys themselves there (a
 * cache miss and a mismatch call per step) was most of what puts still cost after a snapshot.
 *
 * <p>No removal: a batch deletes by putting a marker. Cursors fail fast if the map changes under them.
 *
 * <p>Thread-safety: none for writes; reads from several threads once writes have stopped.
 */
final class SortedOps {
    static final int LEAF = 128;
    /** Leading bytes of a key held as longs, {@link #WORDS} per key: a pool key's type, ids and block. */
    private static final int WORDS = 3;
    private static final int WORD_BYTES = 8 * WORDS;
    private static final VarHandle BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** {@code firsts[i]} is {@code leaves[i].keys[0]}: the leaf for a key is the last whose first key is not above it. */
    private byte[][] firsts = new byte[8][];
    /** {@code firstWords[i * WORDS + w]} is {@code hint(firsts[i], 8 * w)}. */
    private long[] firstWords = new long[8 * WORDS];
    private Leaf[] leaves = new Leaf[8];
    private int leafCount;
    private int size;
    private int modifications;

    /**
     * Keys share a prefix within a leaf; each key's next 8 bytes after it, its hint, sit in a long
     * array, so a search mostly compares longs in one array instead of following a reference to
     * each key it passes (a cache miss each, in a batch of 64k keys).
     */
    private static final class Leaf {
        final byte[][] keys = new byte[LEAF][];
        final byte[][] values = new byte[LEAF][];
        final long[] hints = new long[LEAF];
        /** Bytes every key of the leaf begins with (a lower bound: it may share more). */
        int prefix;
        int n;

        /**
         * Recomputes the shared prefix after the first or last key changed, and the hints if it did:
         * a key read per entry, so only then.
         */
        void rehint() {
            int shared = n == 0 ? 0 : sharedPrefix(keys[0], keys[n - 1]); // sorted: first and last bound the rest
            if (shared != prefix) {
                prefix = shared;
                for (int i = 0; i < n; i++) {
                    hints[i] = hint(keys[i], prefix);
                }
            }
        }
    }

    /** A position in key order: {@link #next} before each entry. */
    interface Cursor {
        boolean next();

        byte[] key();

        byte[] value();
    }

    int size() {
        return size;
    }

    byte[] get(byte[] key) {
        if (leafCount == 0) {
            return null;
        }
        long[] words = words(key);
        int li = leafOf(key, words);
        Leaf leaf = leaves[li];
        int i = search(leaf, key, shared(li, key, words));
        return i >= 0 ? leaf.values[i] : null;
    }

    void put(byte[] key, byte[] value) {
        modifications++;
        long[] words = words(key);
        if (leafCount == 0) {
            leaves[0] = new Leaf();
            setFirst(0, key, words);
            leafCount = 1;
        }
        int li = leafOf(key, words);
        Leaf leaf = leaves[li];
        int shared = shared(li, key, words); // with the leaf's first key, or at least its prefix
        int i = search(leaf, key, shared);
        if (i >= 0) {
            leaf.values[i] = value;
            return;
        }
        i = -i - 1;
        if (leaf.n == LEAF) {
            Leaf right = split(li);
            if (i > leaf.n) {
                i -= leaf.n;
                leaf = right;
                li++;
                shared = sharedPrefix(key, right.keys[0]);
            }
        }
        System.arraycopy(leaf.keys, i, leaf.keys, i + 1, leaf.n - i);
        System.arraycopy(leaf.values, i, leaf.values, i + 1, leaf.n - i);
        System.arraycopy(leaf.hints, i, leaf.hints, i + 1, leaf.n - i);
        leaf.keys[i] = key;
        leaf.values[i] = value;
        leaf.n++;
        if ((i == 0 ? sharedPrefix(key, leaf.keys[leaf.n - 1]) : shared) < leaf.prefix) {
            leaf.rehint(); // a new first or last key that shares less with the others
        } else {
            leaf.hints[i] = hint(key, leaf.prefix);
        }
        if (i == 0) {
            setFirst(li, key, words); // only leaf 0 takes keys below its first
        }
        size++;
    }

    /** Visits every entry in key order. */
    void forEach(BiConsumer<byte[], byte[]> visitor) {
        int expected = modifications;
        for (int li = 0; li < leafCount; li++) {
            Leaf leaf = leaves[li];
            for (int i = 0; i < leaf.n; i++) {
                visitor.accept(leaf.keys[i], leaf.values[i]);
            }
            if (modifications != expected) {
                throw new ConcurrentModificationException();
            }
        }
    }

    /** The entries with keys in {@code [from, to)}, in key order. */
    Cursor range(byte[] from, byte[] to) {
        long[] words = words(from);
        int li = leafCount == 0 ? 0 : leafOf(from, words);
        int at = leafCount == 0 ? 0 : search(leaves[li], from, shared(li, from, words));
        int start = at >= 0 ? at : -at - 1;
        int expected = modifications;
        return new Cursor() {
            int leaf = li;
            int index = start - 1;

            @Override
            public boolean next() {
                if (modifications != expected) {
                    throw new ConcurrentModificationException();
                }
                index++;
                while (leaf < leafCount && index >= leaves[leaf].n) {
                    leaf++;
                    index = 0;
                }
                return leaf < leafCount && Arrays.compareUnsigned(leaves[leaf].keys[index], to) < 0;
            }

            @Override
            public byte[] key() {
                return leaves[leaf].keys[index];
            }

            @Override
            public byte[] value() {
                return leaves[leaf].values[index];
            }
        };
    }

    /** The last leaf whose first key is not above {@code key} (of {@link #words}); leaf 0 for a key below every first. */
    private int leafOf(byte[] key, long[] words) {
        int lo = 1;
        int hi = leafCount - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compareFirst(mid, key, words) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Leaf {@code li}'s first key against {@code key}, by their words; the keys are read only on a tie. */
    private int compareFirst(int li, byte[] key, long[] words) {
        int at = li * WORDS;
        for (int w = 0; w < WORDS; w++) {
            int c = Long.compareUnsigned(firstWords[at + w], words[w]);
            if (c != 0) {
                return c;
            }
        }
        return Arrays.compareUnsigned(firsts[li], key);
    }

    /**
     * The bytes {@code key} shares with leaf {@code li}'s first key, or any number from the leaf's
     * prefix up when it shares at least that: what {@link #search} needs. From the words where they
     * differ (zeros past a key's end compare as shared, but the answer stops at {@code key}'s end,
     * so it is exact whenever it is below the prefix, which never exceeds the first key's length);
     * the keys are read only when the words tie and the prefix is longer than they are.
     */
    private int shared(int li, byte[] key, long[] words) {
        if (leafCount == 0) {
            return 0;
        }
        int at = li * WORDS;
        for (int w = 0; w < WORDS; w++) {
            long x = firstWords[at + w] ^ words[w];
            if (x != 0) {
                return Math.min(key.length, 8 * w + Long.numberOfLeadingZeros(x) / 8);
            }
        }
        if (key.length <= WORD_BYTES) {
            return key.length;
        }
        return leaves[li].prefix <= WORD_BYTES ? WORD_BYTES : sharedPrefix(key, firsts[li]);
    }

    /**
     * The index of {@code key} in {@code leaf}, or {@code -(insertion point) - 1}; {@code shared}: the
     * bytes it shares with the leaf's first key, or any number from the leaf's prefix up if it shares that.
     */
    private static int search(Leaf leaf, byte[] key, int shared) {
        if (leaf.n == 0) {
            return -1;
        }
        if (shared < leaf.prefix) { // differs from every key of the leaf at the same byte: below or above them all
            boolean below = shared == key.length || (key[shared] & 0xff) < (leaf.keys[0][shared] & 0xff);
            return below ? -1 : -(leaf.n + 1);
        }
        long h = hint(key, leaf.prefix);
        int lo = 0;
        int hi = leaf.n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(leaf.hints[mid], h);
            if (c == 0) {
                c = Arrays.compareUnsigned(leaf.keys[mid], key);
            }
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The number of bytes {@code a} and {@code b} begin with in common. */
    private static int sharedPrefix(byte[] a, byte[] b) {
        int m = Arrays.mismatch(a, b);
        return m < 0 ? a.length : m;
    }

    /**
     * The 8 bytes of {@code key} from {@code from} as an unsigned big-endian long, zeros past its end:
     * for keys that share their first {@code from} bytes, a smaller hint means a smaller key.
     */
    private static long hint(byte[] key, int from) {
        if (from + 8 <= key.length) {
            return (long) BIG_ENDIAN.get(key, from);
        }
        long h = 0;
        for (int i = 0; i < 8; i++) {
            int at = from + i;
            h = h << 8 | (at < key.length ? key[at] & 0xff : 0);
        }
        return h;
    }

    /** {@code key}'s leading {@link #WORDS} words, as {@link #hint} reads them. */
    private static long[] words(byte[] key) {
        long[] words = new long[WORDS];
        for (int w = 0; w < WORDS; w++) {
            words[w] = hint(key, 8 * w);
        }
        return words;
    }

    private void setFirst(int li, byte[] key, long[] words) {
        firsts[li] = key;
        System.arraycopy(words, 0, firstWords, li * WORDS, WORDS);
    }

    /** Moves the upper half of full leaf {@code li} into a new leaf after it, which it returns. */
    private Leaf split(int li) {
        Leaf left = leaves[li];
        Leaf right = new Leaf();
        int half = LEAF / 2;
        right.n = LEAF - half;
        System.arraycopy(left.keys, half, right.keys, 0, right.n);
        System.arraycopy(left.values, half, right.values, 0, right.n);
        System.arraycopy(left.hints, half, right.hints, 0, right.n);
        right.prefix = left.prefix;
        Arrays.fill(left.keys, half, LEAF, null);
        Arrays.fill(left.values, half, LEAF, null);
        left.n = half;
        left.rehint();
        right.rehint();
        if (leafCount == leaves.length) {
            leaves = Arrays.copyOf(leaves, leafCount * 2);
            firsts = Arrays.copyOf(firsts, leafCount * 2);
            firstWords = Arrays.copyOf(firstWords, leafCount * 2 * WORDS);
        }
        System.arraycopy(leaves, li + 1, leaves, li + 2, leafCount - li - 1);
        System.arraycopy(firsts, li + 1, firsts, li + 2, leafCount - li - 1);
        System.arraycopy(firstWords, (li + 1) * WORDS, firstWords, (li + 2) * WORDS, (leafCount - li - 1) * WORDS);
        leaves[li + 1] = right;
        setFirst(li + 1, right.keys[0], words(right.keys[0]));
        leafCount++;
        return right;
    }
}
