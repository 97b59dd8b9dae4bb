package io.cistern.target.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlugTest {
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void unplugged() {
        assertTrue(Plug.start(), "every test leaves its thread unplugged");
        Plug.finish();
    }

    private java.util.function.Supplier<Runnable> backend(String name) {
        return () -> {
            events.add("plug " + name);
            return () -> events.add("unplug " + name);
        };
    }

    @Test
    void anUnpluggedThreadAttachesNothing() {
        Plug.attach("a", backend("a"));
        assertEquals(List.of(), events);
    }

    @Test
    void eachBackendIsPluggedOnceAndUnpluggedOnceInOrder() {
        assertTrue(Plug.start());
        Plug.attach("a", backend("a"));
        Plug.attach("b", backend("b"));
        Plug.attach("a", backend("a"));
        assertEquals(List.of("plug a", "plug b"), events);
        Plug.finish();
        assertEquals(List.of("plug a", "plug b", "unplug a", "unplug b"), events);
        Plug.attach("a", backend("a"));
        assertEquals(4, events.size(), "unplugged: nothing more is kept");
    }

    @Test
    void onlyTheOutermostStartOwnsTheFinish() {
        assertTrue(Plug.start());
        assertFalse(Plug.start());
        Plug.attach("a", backend("a"));
        Plug.finish();
        assertEquals(List.of("plug a", "unplug a"), events);
    }

    @Test
    void aFailingUnplugDoesNotStrandTheOthers() {
        assertTrue(Plug.start());
        Plug.attach("bad", () -> () -> {
            throw new IllegalStateException("backend broke");
        });
        Plug.attach("b", backend("b"));
        Plug.finish();
        assertEquals(List.of("plug b", "unplug b"), events);
    }

    @Test
    void threadsHaveTheirOwnPlugs() throws Exception {
        assertTrue(Plug.start());
        Thread other = new Thread(() -> Plug.attach("a", backend("a")));
        other.start();
        other.join(10_000);
        Plug.finish();
        assertEquals(List.of(), events, "the other thread was not plugged");
    }
}
