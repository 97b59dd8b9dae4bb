package io.cistern.thinpool.compress;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays compressed fragments end to end into packed extents, at their real size (after VDO's
 * packer, but a fragment may cross allocation units, so the only waste is each extent's tail). The
 * pool packs each write's fragments in arrival order (a sequential write stays sequential on the
 * device), first into the free end of the extent the writes before it left open, then into new
 * extents, and maps each block to (extent, fragment offset, length). Appending writes only bytes no
 * mapping has ever pointed at, so live data is never rewritten; an extent is freed whole when the
 * last block pointing into it goes. So lone small writes share extents as a sequential stream does.
 *
 * <p>An extent is at most {@link #maxExtentBytes} long, and a fragment starts within the first
 * 64 KiB of its extent (a mapping records the offset in 16 bits); a fragment longer than the limit
 * gets an extent of its own.
 *
 * <p>Thread-safety: none; one packer per write, on the thread that allocates.
 */
public final class Packer {
    /** Where fragment number {@code fragment} went: its extent (index in {@link #seal}'s list), offset in it. */
    public record Slot(int fragment, int extent, int offset, int length) {
    }

    /**
     * One extent holding {@code slots}, in order: {@code continued} if it is the open extent, allocated
     * before (then only the slots are new), else one to allocate, {@code units} allocation units long.
     */
    public record PackedExtent(int units, boolean continued, List<Slot> slots) {
        /** Live bytes: what the new fragments use of the extent. */
        public long fragmentBytes() {
            return slots.stream().mapToLong(Slot::length).sum();
        }

        /** Where the new fragments start in the extent. */
        public int from() {
            return slots.get(0).offset();
        }

        /** Where they end: the extent's bytes beyond are unused. */
        public int end() {
            Slot last = slots.get(slots.size() - 1);
            return last.offset() + last.length();
        }
    }

    public static final int MAX_FRAGMENT_OFFSET = 0xFFFF;
    /** {@link #Packer(int, int, int)}'s {@code openEnd} when no extent is open. */
    public static final int NONE = -1;
    private final int unit;
    private final int maxExtentBytes;
    /** True while extent 0 is the open extent: until a first fragment does not fit in it. */
    private boolean continues;
    private final List<Slot> slots = new ArrayList<>();
    private final List<Integer> extentEnds = new ArrayList<>();
    private int end;

    /** {@code unit}: the allocation unit; {@code maxExtentBytes}: a multiple of it, at most 255 units. */
    public Packer(int unit, int maxExtentBytes) {
        this(unit, maxExtentBytes, NONE);
    }

    /**
     * A packer that continues the open extent ({@code maxExtentBytes} long) whose first {@code openEnd}
     * bytes are taken, or starts afresh if {@code openEnd} is {@link #NONE}.
     */
    public Packer(int unit, int maxExtentBytes, int openEnd) {
        if (unit <= 0 || maxExtentBytes < unit || maxExtentBytes % unit != 0 || maxExtentBytes / unit > 255
                || openEnd < NONE || openEnd > maxExtentBytes) {
            throw new IllegalArgumentException("packed extents of " + maxExtentBytes + " bytes in units of " + unit
                    + (openEnd == NONE ? "" : ", " + openEnd + " taken of the open one"));
        }
        this.unit = unit;
        this.maxExtentBytes = maxExtentBytes;
        this.continues = openEnd != NONE;
        if (continues) {
            extentEnds.add(openEnd);
            end = openEnd;
        }
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
        if (!fits && continues && slots.isEmpty()) {
            continues = false; // the open extent gets nothing: numbering starts with the new one
            extentEnds.clear();
        }
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

    /** {@link #seal(boolean) seal(false)}: every extent rounded up to the whole units it uses. */
    public List<PackedExtent> seal() {
        return seal(false);
    }

    /**
     * The extents the fragments went to: the open one first if it got any, then new ones, each
     * rounded up to the whole units it uses, except, with {@code leaveOpen}, the last new one, which
     * is allocated {@link #maxExtentBytes} long so later writes can append to it, if a fragment as
     * long as its last one would still fit (large blocks' fragments get extents of their size).
     */
    public List<PackedExtent> seal(boolean leaveOpen) {
        if (slots.isEmpty()) {
            return List.of();
        }
        List<List<Slot>> by = new ArrayList<>();
        extentEnds.forEach(e -> by.add(new ArrayList<>()));
        slots.forEach(s -> by.get(s.extent()).add(s));
        List<PackedExtent> out = new ArrayList<>(by.size());
        int maxUnits = maxExtentBytes / unit;
        for (int i = 0; i < by.size(); i++) {
            boolean continued = continues && i == 0;
            int end = extentEnds.get(i);
            int units = (end + unit - 1) / unit;
            List<Slot> in = by.get(i);
            boolean roomForAnother = maxExtentBytes - end >= in.get(in.size() - 1).length(); // else leaving it open wastes more than it saves
            if (continued || leaveOpen && i == by.size() - 1 && roomForAnother) {
                units = Math.max(units, maxUnits);
            }
            out.add(new PackedExtent(units, continued, List.copyOf(by.get(i))));
        }
        return out;
    }

    /**
     * Copies an extent's new fragments, from {@link PackedExtent#from} to {@link PackedExtent#end},
     * into {@code out} from its position, ready for one device write there: the tail beyond is never
     * written (nothing reads it). {@code fragments} are indexed like the slots of {@link #add}; each
     * is read from its position to its limit.
     */
    public void fill(PackedExtent extent, List<ByteBuffer> fragments, ByteBuffer out) {
        int base = out.position() - extent.from();
        int bytes = extent.end() - extent.from();
        if (out.remaining() < bytes) {
            throw new IllegalArgumentException(out.remaining() + " bytes of room for " + bytes + " bytes of fragments");
        }
        for (Slot s : extent.slots()) {
            ByteBuffer f = fragments.get(s.fragment());
            if (f.remaining() != s.length()) {
                throw new IllegalArgumentException("fragment of " + f.remaining() + " bytes for a " + s.length() + "-byte slot");
            }
            out.put(base + s.offset(), f, f.position(), s.length());
        }
    }
}
