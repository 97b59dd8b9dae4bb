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
                mappings.add(new PackedMapping(next, s.length(), Crc32c.of(f.duplicate()), s.offset(), x.units(),
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
            assertEquals(m.crc(), Crc32c.of(fragment.duplicate()));
            m.codec().decompress(fragment, pooled.clear(), 4096);
            assertEquals(blocks.get(i), pooled, "block " + i);
        }
    }
}
