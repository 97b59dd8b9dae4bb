package io.cistern.thinpool.csum;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) checksums of data extents, as BlueStore's default csum type. Computed over the
 * bytes stored on the device, so a read verifies exactly what was written there.
 *
 * <p>Thread-safety: stateless; every call uses its own {@link CRC32C}.
 */
public final class Crc32c {
    private Crc32c() {
    }

    /** The CRC32C of the remaining bytes of {@code data}; its position is left unchanged. */
    public static int of(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    /** The CRC32C of {@code length} bytes of {@code data} from {@code offset}. */
    public static int of(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }
}
