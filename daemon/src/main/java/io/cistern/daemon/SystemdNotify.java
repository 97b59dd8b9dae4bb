package io.cistern.daemon;

import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness and stop notifications for systemd ({@code Type=notify}): {@code sd_notify(3)} from
 * libsystemd, which does the datagram to {@code $NOTIFY_SOCKET} (a JDK cannot send AF_UNIX datagrams).
 * Outside systemd ({@code NOTIFY_SOCKET} unset) every call is a no-op, and so is a box without libsystemd.
 */
final class SystemdNotify {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

    /** The one call we need from libsystemd. */
    public interface LibSystemd {
        int sd_notify(int unsetEnvironment, String state);
    }

    private final LibSystemd lib;

    private SystemdNotify(LibSystemd lib) {
        this.lib = lib;
    }

    /** Loads libsystemd only when systemd asked for notifications. */
    static SystemdNotify fromEnvironment() {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            return new SystemdNotify(null);
        }
        try {
            return new SystemdNotify(LibraryLoader.create(LibSystemd.class).load("systemd"));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("NOTIFY_SOCKET is set but libsystemd cannot be loaded ({}); systemd will not hear of readiness",
                    e.toString());
            return new SystemdNotify(null);
        }
    }

    /** Serving: every portal bound, every pool open. */
    void ready() {
        send("READY=1\nSTATUS=serving");
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    private void send(String state) {
        if (lib != null && lib.sd_notify(0, state) < 0) {
            log.warn("sd_notify({}) failed", state.replace('\n', ' '));
        }
    }
}
