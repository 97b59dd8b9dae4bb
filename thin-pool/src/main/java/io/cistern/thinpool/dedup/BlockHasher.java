package io.cistern.thinpool.dedup;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The dedup hash of a block: SHA-256 of its logical (uncompressed) bytes, as ZFS's default dedup
 * checksum. SHA-256 over BLAKE3 because it is faster here: the JDK's SHA-256 runs on the CPU's SHA
 * instructions (1950 MB/s, 2.1 us a 4 KiB block on this machine) while the BLAKE3s on Maven Central
 * are pure Java (200 to 307 MB/s); see {@code bench/HashBench.java} and docs/benchmarks.md.
 *
 * <p>Thread-safety: one digest per thread; call from any number of worker threads.
 */
public final class BlockHasher {
    public static final String ALGORITHM = "SHA-256";
    public static final int BYTES = 32;
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + ALGORITHM, e);
        }
    });

    private BlockHasher() {
    }

    /** The hash of {@code block} from position to limit; the position does not move. */
    public static byte[] hash(ByteBuffer block) {
        MessageDigest d = DIGEST.get();
        d.update(block.duplicate());
        return d.digest();
    }
}
