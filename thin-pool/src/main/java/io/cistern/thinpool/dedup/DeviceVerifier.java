package io.cistern.thinpool.dedup;

import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.meta.Mapping;
import io.cistern.thinpool.meta.PackedMapping;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@link Verifier} over the pool's device: reads the stored block (decompressing a packed fragment)
 * and compares. Runs where the caller runs; the pool calls it off the event loop.
 */
public final class DeviceVerifier implements Verifier {
    private final BlockDevice device;

    public DeviceVerifier(BlockDevice device) {
        this.device = device;
    }

    @Override
    public boolean sameBytes(byte[] mapValue, ByteBuffer block) throws IOException {
        int n = block.remaining();
        ByteBuffer stored = ByteBuffer.allocateDirect(n);
        if (PackedMapping.isPacked(mapValue)) {
            PackedMapping p = PackedMapping.decode(mapValue);
            ByteBuffer fragment = ByteBuffer.allocateDirect(p.length());
            device.read(p.fragmentAddress(), fragment);
            p.codec().decompress(fragment.flip(), stored, n);
        } else {
            Mapping m = Mapping.decode(mapValue);
            if (m.length() != n) {
                return false;
            }
            device.read(m.offset(), stored);
            stored.flip();
        }
        return stored.clear().limit(n).equals(block.duplicate());
    }

}
