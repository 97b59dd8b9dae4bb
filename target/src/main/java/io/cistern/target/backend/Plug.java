package io.cistern.target.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread's plug, after the kernel block layer's {@code blk_plug}: while a thread handles one burst
 * of commands (the PDUs of one socket read), a backend may keep the operations it is given and hand
 * them to its own threads together when the burst ends: one wake-up instead of one per command.
 *
 * <p>A backend {@linkplain #attach attaches} its unplug action the first time it is called during a
 * plug; {@link #finish} runs every attached action, always on the plugged thread. Plugging is only
 * safe where nothing waits for a backend future on the plugged thread: the SCSI core never does.
 *
 * <p>Thread-safety: each thread has its own plug; all methods act on the calling thread's.
 */
public final class Plug {
    private static final Logger LOG = LoggerFactory.getLogger(Plug.class);
    private static final ThreadLocal<Plug> THREAD = ThreadLocal.withInitial(Plug::new);

    private final List<Object> keys = new ArrayList<>(2);
    private final List<Runnable> unplugs = new ArrayList<>(2);
    private boolean plugged;

    private Plug() {
    }

    /**
     * Plugs the calling thread. Returns false, changing nothing, if it is plugged already: only the
     * outermost caller (the one that got true) calls {@link #finish}.
     */
    public static boolean start() {
        Plug plug = THREAD.get();
        if (plug.plugged) {
            return false;
        }
        plug.plugged = true;
        return true;
    }

    /**
     * Unplugs the calling thread: runs each attached unplug action once, in the order attached. One
     * that fails is logged and the rest still run, so no backend's operations are left behind.
     */
    public static void finish() {
        Plug plug = THREAD.get();
        plug.plugged = false;
        for (int i = 0; i < plug.unplugs.size(); i++) {
            try {
                plug.unplugs.get(i).run();
            } catch (RuntimeException e) {
                LOG.error("unplugging {} failed", plug.keys.get(i), e);
            }
        }
        plug.keys.clear();
        plug.unplugs.clear();
    }

    /**
     * If the calling thread is plugged and nothing is attached under {@code key} yet, calls
     * {@code plug} (which starts keeping the backend's operations) and attaches the unplug action it
     * returns. Does nothing on a thread that is not plugged.
     */
    public static void attach(Object key, Supplier<Runnable> plug) {
        Plug current = THREAD.get();
        if (!current.plugged || current.keys.contains(key)) {
            return;
        }
        Runnable unplug = plug.get();
        current.keys.add(key);
        current.unplugs.add(unplug);
    }
}
