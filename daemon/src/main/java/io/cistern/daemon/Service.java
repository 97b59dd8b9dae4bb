package io.cistern.daemon;

import com.typesafe.config.Config;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code cistern run}: the daemon as a service. Starts it, tells systemd it is ready, and on SIGTERM
 * or SIGINT stops it cleanly (no new logins, initiators asked to log out, in-flight I/O finished,
 * everything flushed, pools closed) and exits 0, so that the next start finds clean pools.
 */
final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private Service() {
    }

    /** Runs until a stop signal; the exit status. */
    static int run(Config config) throws Exception {
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        CountDownLatch stop = new CountDownLatch(1);
        // Handled rather than left to the JVM's shutdown hooks: the stop then runs on this thread,
        // with logging still up, and the process exits 0 as systemd expects of a clean stop.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                log.info("SIG{}: stopping", s.getName());
                stop.countDown();
            });
        }
        Daemon daemon = Daemon.start(config);
        systemd.ready();
        stop.await();
        systemd.stopping();
        daemon.close();
        return 0;
    }
}
