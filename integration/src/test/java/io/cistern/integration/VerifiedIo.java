package io.cistern.integration;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bystander session: one connection that writes a fresh random pattern, reads it back and
 * compares, round after round, until stopped (bounded by a round count and a deadline). It never
 * reconnects: the first failure ends it and is kept for {@link #stop()} to report.
 */
final class VerifiedIo implements AutoCloseable {
    private static final int BLOCKS = 16;
    /** Its own LBA range, away from anything the hostile cases write. */
    private static final long FIRST_LBA = 8192;
    private static final int MAX_ROUNDS = 1_000_000;
    private static final Duration MAX_TIME = Duration.ofMinutes(3);

    private final RawIscsiClient client;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private int rounds;

    VerifiedIo(InetSocketAddress portal, String iqn) throws Exception {
        client = new RawIscsiClient(portal);
        client.login(RawIscsiClient.normalLoginKeys(iqn));
        client.clearUnitAttentions();
        thread = new Thread(this::run, "verified-io");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        byte[] pattern = new byte[BLOCKS * RawIscsiClient.BLOCK];
        try {
            for (int round = 0; round < MAX_ROUNDS && !stopping && System.nanoTime() < deadline; round++) {
                long lba = FIRST_LBA + (round % 64) * BLOCKS;
                ThreadLocalRandom.current().nextBytes(pattern);
                RawIscsiClient.ScsiResult w = client.write10(lba, pattern);
                check(w.status() == 0, "WRITE(10) at LBA " + lba + " ended with status " + w.status());
                RawIscsiClient.ScsiResult r = client.read10(lba, BLOCKS);
                check(r.status() == 0, "READ(10) at LBA " + lba + " ended with status " + r.status());
                check(Arrays.equals(pattern, r.data()), "READ(10) at LBA " + lba + " returned other data");
                synchronized (this) {
                    rounds++;
                    notifyAll();
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    synchronized int rounds() {
        return rounds;
    }

    /** Waits until {@code more} rounds past the current count have verified; false on failure or timeout. */
    synchronized boolean awaitMoreRounds(int more, Duration timeout) throws InterruptedException {
        int target = rounds + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (rounds < target && failure == null && thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return rounds >= target;
    }

    /** Stops the loop and returns the failure that ended it early, or null if every round verified. */
    Throwable stop() throws InterruptedException {
        stopping = true;
        thread.join(RawIscsiClient.TIMEOUT.toMillis() * 2);
        if (thread.isAlive()) {
            return new AssertionError("bystander I/O did not stop: a command is hanging");
        }
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        client.close();
    }
}
