package io.cistern.integration;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private tgtd: {@code tgtd -f -C CTL --iscsi portal=127.0.0.1:PORT}, configured with {@code tgtadm -C CTL}
 * (tgtd takes control ports 0..32767 only, so CTL is drawn at random apart from the TCP port). One target, LUN 1 on the backing file (LUN 0 is tgt's controller). Stopped by
 * its PID: SIGTERM, then SIGKILL (tgtd may ignore SIGTERM while connections are open).
 */
public final class TgtPeer implements TargetUnderTest {
    public static final String IQN = "iqn.2026-11.io.cistern:tgt-peer";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final Process tgtd;
    private final int port;
    private final int control;
    private final Path log;

    private TgtPeer(Process tgtd, int port, int control, Path log) {
        this.tgtd = tgtd;
        this.port = port;
        this.control = control;
        this.log = log;
    }

    /** Starts tgt for a spec; used through {@link Targets} with {@code -Dpeer=tgt}. */
    public static final class Factory implements TargetFactory {
        @Override
        public String name() {
            return "tgt";
        }

        @Override
        public TargetUnderTest start(TargetSpec spec) throws Exception {
            return TgtPeer.start(spec);
        }
    }

    public static TgtPeer start(TargetSpec spec) throws IOException, InterruptedException {
        ensureBackingFile(spec);
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            int control = 1024 + java.util.concurrent.ThreadLocalRandom.current().nextInt(31_000);
            Path log = Files.createTempFile("tgtd-" + port + "-", ".log");
            Process p = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(control),
                    "--iscsi", "portal=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            TgtPeer peer = new TgtPeer(p, port, control, log);
            try {
                peer.awaitReady();
                peer.configure(spec);
                return peer;
            } catch (IllegalStateException e) {
                last = e;
                peer.close();
            }
        }
        throw last;
    }

    private static void ensureBackingFile(TargetSpec spec) throws IOException {
        Files.createDirectories(spec.backingFile().toAbsolutePath().getParent());
        try (RandomAccessFile f = new RandomAccessFile(spec.backingFile().toFile(), "rw")) {
            if (f.length() != spec.sizeBytes()) {
                f.setLength(spec.sizeBytes());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Waits (at most 10 s) for tgtadm to answer and the portal to accept TCP connections. */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 100 && System.nanoTime() < deadline; i++) {
            if (!tgtd.isAlive()) {
                throw new IllegalStateException("tgtd exited with " + tgtd.exitValue() + ": " + Files.readString(log));
            }
            if (admin("--mode", "sys", "--op", "show").ok() && portalAccepts()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("tgtd on port " + port + " not ready within 10 s: " + Files.readString(log));
    }

    private boolean portalAccepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void configure(TargetSpec spec) throws IOException, InterruptedException {
        admin("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "-T", IQN).orThrow();
        admin("--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "1",
                "-b", spec.backingFile().toAbsolutePath().toString()).orThrow();
        if (spec.chap().isPresent()) {
            Chap c = spec.chap().get();
            account(c.user(), c.secret(), false);
            if (c.isMutual()) {
                account(c.mutualUser(), c.mutualSecret(), true);
            }
        }
        admin("--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "-I", "ALL").orThrow();
    }

    private void account(String user, String secret, boolean outgoing) throws IOException, InterruptedException {
        admin("--lld", "iscsi", "--mode", "account", "--op", "new", "--user", user, "--password", secret).orThrow();
        List<String> bind = new ArrayList<>(List.of("--lld", "iscsi", "--mode", "account", "--op", "bind",
                "--tid", "1", "--user", user));
        if (outgoing) {
            bind.add("--outgoing");
        }
        admin(bind.toArray(String[]::new)).orThrow();
    }

    private Exec.Result admin(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(control)));
        cmd.addAll(List.of(args));
        return Exec.run(ADMIN_TIMEOUT, java.util.Map.of(), cmd);
    }

    @Override
    public InetSocketAddress portal() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public String iqn() {
        return IQN;
    }

    @Override
    public int lun() {
        return 1;
    }

    @Override
    public void close() {
        try {
            if (tgtd.isAlive()) {
                tgtd.destroy();
                if (!tgtd.waitFor(3, TimeUnit.SECONDS)) {
                    tgtd.destroyForcibly();
                    if (!tgtd.waitFor(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("tgtd pid " + tgtd.pid() + " survived SIGKILL");
                    }
                }
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            tgtd.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the log is in the temp directory; losing it is harmless
        }
    }

    @Override
    public String toString() {
        return "tgtd pid " + tgtd.pid() + " on " + url();
    }
}
