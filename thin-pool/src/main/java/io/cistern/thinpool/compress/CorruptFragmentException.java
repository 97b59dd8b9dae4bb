package io.cistern.thinpool.compress;

import java.io.IOException;

/** A stored fragment that does not decode to its block: damaged on the device, or misaddressed. */
public final class CorruptFragmentException extends IOException {
    public CorruptFragmentException(String message) {
        super(message);
    }
}
