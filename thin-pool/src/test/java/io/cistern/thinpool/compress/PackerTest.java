package io.cistern.thinpool.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.csum.Crc32c;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.meta.PackedMapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackerTest {
    static final int UNIT = 4096;

    @Test
    void fragmentsLieEndToEndAndOnlyEachExtentsTailIsWasted() {
        Packer p = new Packer(UNIT, 16 * UNIT);
        int total = 0;
        for (int i = 0; i < 100; i++) {
            int len = 1000 + 17 * i;
            Packer.Slot s = p.add(len);
            assertEquals(i, s.fragment());
            total += len;
        }
        List<Packer.PackedExtent> extents = p.seal();
        long allocated = 0;
        long live = 0;
        for (int e = 0; e < extents.size(); e++) {
            Packer.PackedExtent x = extents.get(e);
            int at = 0;
            for (Packer.Slot s : x.slots()) {
                assertEquals(e, s.extent());
                assertEquals(at, s.offset(), "no gaps");
                assertTrue(s.offset() <= Packer.MAX_FRAGMENT_OFFSET);
                at += s.length();
            }
            assertTrue(at <= 16 * UNIT);
            assertEquals((at + UNIT - 1) / UNIT, x.units(), "rounded up to whole units");
            allocated += (long) x.units() * UNIT;
            live += x.fragmentBytes();
        }
        assertEquals(total, live);
        assertTrue(allocated - live < (long) extents.size() * UNIT, "waste below one unit per extent");
        assertTrue(extents.size() <= total / (16 * UNIT - 4000) + 1, extents.size() + " extents");
    }

    @Test
    void aFragmentLongerThanAnExtentGetsOneOfItsOwn() {
        Packer p = new Packer(UNIT, 8 * UNIT);
        p.add(3000);
        p.add(100_000); // a compressed 128K block
        p.add(3000);
        List<Packer.PackedExtent> x = p.seal();
        assertEquals(3, x.size());
        assertEquals(List.of(1, 25, 1), x.stream().map(Packer.PackedExtent::units).toList());
        assertThrows(IllegalArgumentException.class, () -> p.add(0));
        assertThrows(IllegalArgumentException.class, () -> new Packer(UNIT, 256 * UNIT));
        assertThrows(IllegalArgumentException.class, () -> new Packer(UNIT, UNIT + 1));
    }

    @Test
    void aPackerContinuesTheOpenExtentThenLeavesItsLastNewExtentOpen() {
        Packer p = new Packer(UNIT, 16 * UNIT, 60_000);
        Packer.Slot a = p.add(3000); // fits at 60000
        Packer.Slot b = p.add(3000); // would end past 64 KiB: a new extent
        List<Packer.PackedExtent> open = p.seal(true);
        assertEquals(List.of(new Packer.Slot(0, 0, 60_000, 3000)), List.of(a));
        assertEquals(new Packer.Slot(1, 1, 0, 3000), b);
        assertEquals(2, open.size());
        assertTrue(open.get(0).continued());
        assertEquals(16, open.get(0).units(), "the open extent keeps its length");
        assertEquals(60_000, open.get(0).from());
        assertEquals(63_000, open.get(0).end());
        assertEquals(16, open.get(1).units(), "left open for the next writes");
        assertEquals(1, p.seal(false).get(1).units(), "or only the units it uses");

        Packer full = new Packer(UNIT, 16 * UNIT, 65_000);
        Packer.Slot c = full.add(2000); // nothing fits in the open extent: numbering starts with the new one
        assertEquals(0, c.extent());
        List<Packer.PackedExtent> x = full.seal(true);
        assertEquals(1, x.size());
        assertTrue(!x.get(0).continued());
        assertEquals(List.of(), new Packer(UNIT, 16 * UNIT, 100).seal(true), "no fragments, no extents");
        Packer large = new Packer(UNIT, 16 * UNIT); // a 128K block's fragment: no room for another like it
        large.add(40_000);
        assertEquals(10, large.seal(true).get(0).units());

        ByteBuffer f0 = ByteBuffer.wrap(new byte[3000]).put(0, (byte) 7);
        ByteBuffer out = ByteBuffer.allocate(3000);
        p.fill(open.get(0), List.of(f0, ByteBuffer.allocate(3000)), out);
        assertEquals(7, out.get(0), "only the new fragments, from where they start");
        assertThrows(IllegalArgumentException.class, () -> new Packer(UNIT, 16 * UNIT, 16 * UNIT + 1));
    }

    /** The whole write and read of a packed extent, as phase 2's writer and reader will do it. */
    @Test
    void packedBlocksReadBackThroughTheirMappings() throws Exception {
        MemoryDevice device = new MemoryDevice(1 << 22);
        List<ByteBuffer> blocks = new ArrayList<>();
        List<ByteBuffer> fragments = new ArrayList<>();
        List<BlockCompressor.Fragment> kinds = new ArrayList<>();
        Packer p = new Packer(UNIT, 16 * UNIT);
        for (int i = 0; i < 40; i++) {
            ByteBuffer block = BlockCompressorTest.text(i, 4096, true);
            ByteBuffer out = ByteBuffer.allocateDirect(BlockCompressor.outputBytes(4096));
            BlockCompressor.Fragment f = BlockCompressor.compress(i % 2 == 0 ? Compression.LZ4 : Compression.ZSTD, block, out);
            assertTrue(!f.raw());
            blocks.add(block);
            kinds.add(f);
            fragments.add(out.limit(f.length()));
            p.add(f.length());
        }
        List<Packer.PackedExtent> extents = p.seal();
        List<PackedMapping> mappings = new ArrayList<>();
        long next = UNIT; // a stand-in for the allocator: extents one after another
        for (Packer.PackedExtent x : extents) {
            ByteBuffer out = ByteBuffer.allocateDirect(x.units() * UNIT);
            p.fill(x, fragments, out);
            device.write(next, out);
            for (Packer.Slot s : x.slots()) {
                ByteBuffer f = fragments.get(s.fragment());
                mappings.add(new PackedMapping(next, s.length(), Crc32c.of(f), s.offset(), x.units(),
                        kinds.get(s.fragment()).codec()));
            }
            next += (long) x.units() * UNIT;
        }
        long allocated = next - UNIT;
        assertTrue(allocated < 40L * 4096 / 2, "text packs to under half: " + allocated);
        ByteBuffer pooled = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < blocks.size(); i++) {
            PackedMapping m = PackedMapping.decode(mappings.get(i).encode());
            ByteBuffer fragment = ByteBuffer.allocateDirect(m.length());
            device.read(m.fragmentAddress(), fragment);
            fragment.flip();
            assertEquals(m.crc(), Crc32c.of(fragment));
            m.codec().decompress(fragment, pooled.clear(), 4096);
            assertEquals(blocks.get(i), pooled, "block " + i);
        }
    }
}
