// A model of where a thin volume's blocks end up after bench-thin's 4 KiB random writes, and what that
// costs a 1 MiB sequential read afterwards (issue 3's "read after random writes"). No pool code runs:
// the allocator is first-fit from a moving cursor over one bit per 4 KiB unit, as ExtentAllocator's.
//
//   java bench/LayoutModel.java DIRTY [POOL_FACTOR]
//
// A 1 GiB volume (262,144 blocks) in a pool POOL_FACTOR times its size (8, bench-thin's) is filled in
// order, then written 1,200,000 times at bench-thin's prime stride (its warm-up and five repeats).
// DIRTY = 1 places each write as it comes, as the pool does today. DIRTY = N holds N written blocks
// and places them at a sync point in block order (ZFS's dirty data and txg sync); the blocks they
// replace are freed after the sync, as a commit frees them. Prints the device writes the syncs need
// (runs of adjacent units) and, for the 1,024 1 MiB reads of the volume, the device reads per read:
// one per run of adjacent units, and one per run when gaps of up to 8 units are read through and dropped.
import java.util.Arrays;
import java.util.BitSet;
import java.util.TreeMap;

public class LayoutModel {
    static final int VOLUME = 262_144;
    static final int WRITES = 1_200_000;
    static final int STRIDE = 7919;

    final BitSet free;
    final long[] where = new long[VOLUME];
    int cursor;
    long deviceWrites;
    long lastPlaced = -2;

    LayoutModel(int poolUnits) {
        free = new BitSet(poolUnits);
        free.set(0, poolUnits);
    }

    int allocate() {
        int at = free.nextSetBit(cursor);
        if (at < 0) {
            at = free.nextSetBit(0);
        }
        free.clear(at);
        cursor = at + 1;
        if (at != lastPlaced + 1) {
            deviceWrites++;
        }
        lastPlaced = at;
        return at;
    }

    void sync(TreeMap<Integer, Boolean> dirty) {
        long[] old = new long[dirty.size()];
        int i = 0;
        lastPlaced = -2;
        for (int block : dirty.keySet()) {
            old[i++] = where[block];
            where[block] = allocate();
        }
        for (long o : old) {
            free.set((int) o);
        }
        dirty.clear();
    }

    public static void main(String[] args) {
        int dirtyCap = Integer.parseInt(args[0]);
        int factor = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        LayoutModel m = new LayoutModel(VOLUME * factor);
        for (int b = 0; b < VOLUME; b++) {
            m.where[b] = m.allocate();
        }
        m.deviceWrites = 0;
        TreeMap<Integer, Boolean> dirty = new TreeMap<>();
        int block = 0;
        for (int w = 0; w < WRITES; w++) {
            dirty.put(block, Boolean.TRUE);
            block = (block + STRIDE) % VOLUME;
            if (dirty.size() >= dirtyCap) {
                m.sync(dirty);
            }
        }
        m.sync(dirty);
        System.out.printf("dirty %d blocks, pool %dx: %d writes in %d device writes (%.1f blocks each)%n",
                dirtyCap, factor, WRITES, m.deviceWrites, (double) WRITES / m.deviceWrites);
        for (int gap : new int[] {0, 8}) {
            long reads = 0;
            long units = 0;
            for (int r = 0; r < VOLUME / 256; r++) {
                long[] p = Arrays.copyOfRange(m.where, r * 256, r * 256 + 256);
                Arrays.sort(p);
                reads++;
                units += p.length;
                for (int i = 1; i < p.length; i++) {
                    long skip = p[i] - p[i - 1] - 1;
                    if (skip > gap) {
                        reads++;
                    } else {
                        units += skip;
                    }
                }
            }
            System.out.printf("  1 MiB reads, gaps up to %d units read through: %.1f device reads each, %.2fx the bytes%n",
                    gap, reads / 1024.0, units / (1024.0 * 256));
        }
    }
}
