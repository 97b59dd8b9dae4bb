package io.cistern.thinpool.alloc;

import java.util.List;

/** Allocator implementations by name, so a pool's configuration and the tests can choose one. */
public final class Allocators {
    /** Every implementation's name; the allocator tests run each case against each of them. */
    public static final List<String> NAMES = List.of(ExtentAllocator.NAME);

    private Allocators() {
    }

    public static Allocator create(String name, long unit) {
        if (ExtentAllocator.NAME.equals(name)) {
            return new ExtentAllocator(unit);
        }
        throw new IllegalArgumentException("unknown allocator '" + name + "'; known: " + NAMES);
    }
}
