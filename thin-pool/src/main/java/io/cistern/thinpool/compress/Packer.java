package io.cistern.thinpool.compress;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays compressed fragments end to end into packed extents, at their real size (after VDO's
 * packer, but a fragment may cross allocation units, so the only waste is each extent's tail). The
 * pool gathers the fragments of one commit group (every write since the last commit, so small random
 * writes pack as well as large ones), packs them in arrival order (a sequential write stays
 * sequential on the device), allocates each extent, writes it once, and maps each block to
 * (extent, fragment offset, length). An extent is never rewritten: it is freed whole when the last
 * block pointing into it goes.
 *
 * <p>An extent is at most {@link #maxExtentBytes} long, and a fragment starts within the first
 * 64 KiB of its extent (a mapping records the offset in 16 bits); a fragment longer than the limit
 * gets an extent of its own.
 *
 * <p>Thread-safety: none; one packer per commit group, on the thread that allocates.
 */
public final class Packer {
    /** Where fragment number {@code fragment} went: its extent (index in {@link #seal()}'s list), offset in it. */
    public record Slot(int fragment, int extent, int offset, int length) {
    }

    /** One extent to allocate: {@code units} allocation units holding {@code slots}, in order. */
    public record PackedExtent(int units, List<Slot> slots) {
        /** Live bytes: what the fragments use of the extent. */
        public long fragmentBytes() {
            return slots.stream().mapToLong(Slot::length).sum();
        }
    }

    public static final int MAX_FRAGMENT_OFFSET = 0xFFFF;
    private final int unit;
    private final int maxExtentBytes;
    private final List<Slot> slots = new ArrayList<>();
    private final List<Integer> extentEnds = new ArrayList<>();
    private int end;

    /** {@code unit}: the allocation unit; {@code maxExtentBytes}: a multiple of it, at most 255 units. */
    public Packer(int unit, int maxExtentBytes) {
        if (unit <= 0 || maxExtentBytes < unit || maxExtentBytes % unit != 0 || maxExtentBytes / unit > 255) {
            throw new IllegalArgumentException("packed extents of " + maxExtentBytes + " bytes in units of " + unit);
        }
        this.unit = unit;
        this.maxExtentBytes = maxExtentBytes;
    }

    public int maxExtentBytes() {
        return maxExtentBytes;
    }

    /** Places a fragment of {@code length} bytes; returns its slot (fragments are numbered from 0). */
    public Slot add(int length) {
        if (length <= 0 || length > 255L * unit) {
            throw new IllegalArgumentException("fragment of " + length + " bytes");
        }
        boolean fits = !extentEnds.isEmpty() && end <= MAX_FRAGMENT_OFFSET && end + length <= maxExtentBytes;
        if (!fits) {
            extentEnds.add(0);
            end = 0;
        }
        Slot s = new Slot(slots.size(), extentEnds.size() - 1, end, length);
        slots.add(s);
        end += length;
        extentEnds.set(extentEnds.size() - 1, end);
        return s;
    }

    public int fragments() {
        return slots.size();
    }

    /** The extents to allocate, each rounded up to whole units. */
    public List<PackedExtent> seal() {
        List<List<Slot>> by = new ArrayList<>();
        extentEnds.forEach(e -> by.add(new ArrayList<>()));
        slots.forEach(s -> by.get(s.extent()).add(s));
        List<PackedExtent> out = new ArrayList<>(by.size());
        for (int i = 0; i < by.size(); i++) {
            out.add(new PackedExtent((extentEnds.get(i) + unit - 1) / unit, List.copyOf(by.get(i))));
        }
        return out;
    }

    /**
     * Copies an extent's fragments into {@code out} (room for the whole extent, from its position)
     * and zeroes the tail, ready for one device write. {@code fragments} are indexed like the slots
     * of {@link #add}; each is read from its position to its limit.
     */
    public void fill(PackedExtent extent, List<ByteBuffer> fragments, ByteBuffer out) {
        int base = out.position();
        int bytes = extent.units() * unit;
        if (out.remaining() < bytes) {
            throw new IllegalArgumentException(out.remaining() + " bytes of room for a " + bytes + "-byte extent");
        }
        int at = 0;
        for (Slot s : extent.slots()) {
            ByteBuffer f = fragments.get(s.fragment());
            if (f.remaining() != s.length()) {
                throw new IllegalArgumentException("fragment of " + f.remaining() + " bytes for a " + s.length() + "-byte slot");
            }
            out.put(base + s.offset(), f, f.position(), s.length());
            at = s.offset() + s.length();
        }
        for (int i = at; i < bytes; i++) {
            out.put(base + i, (byte) 0);
        }
    }
}
