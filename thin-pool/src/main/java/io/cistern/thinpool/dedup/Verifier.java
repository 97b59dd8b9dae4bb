package io.cistern.thinpool.dedup;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code dedup=verify}'s byte comparison: on a hash match, reads the block an entry points at and
 * compares it with the one being written. The pool supplies it (it knows the device and how a map
 * value is read back, decompressing if need be).
 */
@FunctionalInterface
public interface Verifier {
    /** True if the block stored as {@code mapValue} equals {@code block} (position to limit). */
    boolean sameBytes(byte[] mapValue, ByteBuffer block) throws IOException;
}
