package io.cistern.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cistern.daemon.config.InvalidConfigException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code cistern run}: the daemon as a service. Starts it, tells systemd it is ready, and on SIGTERM
 * or SIGINT stops it cleanly (no new logins, initiators asked to log out, in-flight I/O finished,
 * everything flushed, pools closed) and exits 0, so that the next start finds clean pools.
 */
public final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private Service() {
    }

    /**
     * Runs {@code config} until a stop signal; the exit status. SIGHUP reloads ({@link Daemon#reload()}):
     * {@code source} reads the configuration again, and the daemon applies the difference (a bad file
     * changes nothing).
     */
    public static int run(Config config, Supplier<Config> source) throws Exception {
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
        // SIGHUP is handled from before the start: left to the JVM, it would end the process. A reload
        // asked for during the start waits for it, so a file changed meanwhile is not missed.
        CompletableFuture<Daemon> started = new CompletableFuture<>();
        ExecutorService reloader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reload");
            t.setContextClassLoader(Service.class.getClassLoader()); // made lazily, from the signal thread
            return t;
        });
        SignalHandler before = Signal.handle(new Signal("HUP"), s -> reloader.execute(() -> reload(started.join(), systemd)));
        if (before == SignalHandler.SIG_IGN) {
            // The JVM keeps a signal ignored at exec ignored (nohup does that): no handler will run.
            log.warn("SIGHUP was ignored when the daemon started (run under nohup?): kill -HUP will not reload"
                    + " the configuration (`cistern reload` or POST /api/v1/reload still do)");
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(config, source);
        } catch (Exception e) {
            started.completeExceptionally(e);
            reloader.shutdownNow();
            throw e;
        }
        started.complete(daemon);
        systemd.ready();
        stop.await();
        systemd.stopping();
        reloader.shutdown();
        reloader.awaitTermination(30, TimeUnit.SECONDS);
        daemon.close();
        return 0;
    }

    private static void reload(Daemon daemon, SystemdNotify systemd) {
        log.info("SIGHUP: reloading the configuration");
        systemd.reloading();
        try {
            daemon.reload();
        } catch (InvalidConfigException e) {
            log.error("reload failed, nothing changed: the configuration has {} problem(s):\n{}", e.problems().size(),
                    e.getMessage());
        } catch (ConfigException | IllegalArgumentException | IllegalStateException | IOException e) {
            log.error("reload failed, targets and LUNs unchanged: {}", e.getMessage());
        } finally {
            systemd.ready();
        }
    }
}
