package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example, {@code config/cistern.conf}, run as the appliance: a file next to a copy of it
 * includes it and changes only what a test on loopback must (the data directory, the portals, the API's
 * port, sizes that fit a temporary directory). libiscsi logs in to both targets, with CHAP and with mutual
 * CHAP; the configuration is reloaded, by SIGHUP and by {@code cistern reload}, while a QEMU session does
 * I/O on the other target; then the real CLI makes a volume, snapshots it and shares it over iSCSI, and
 * all of it, with the data written, is there again after a restart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExampleConfigTest {
    private static final String VMSTORE = "iqn.2026-11.com.example.storage:vmstore";
    private static final String BACKUP = "iqn.2026-11.com.example.storage:backup";
    private static final String HV1 = "iqn.1994-05.com.redhat:hv1";
    private static final String BACKUP_SERVER = "iqn.2026-11.com.example:backup-server";
    private static final Chap HYPERVISOR = Chap.oneWay("hypervisor", "vmstore-secret1");
    private static final int IO_BLOCK = 64 * 1024;
    private static final int IO_OFFSETS = 64;
    private static final int IO_MAX_ROUNDS = 5000;
    private static final Duration IO_LIMIT = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Path conf;
    private int port;

    @Test
    void theExampleConfigurationRunsReloadsAndKeepsWhatTheCliMade() throws Exception {
        Files.copy(RepoPaths.root().resolve("config/cistern.conf"), dir.resolve("cistern.conf"));
        conf = dir.resolve("test.conf");
        port = DaemonProcess.freePort();
        write("");

        Map<Long, Integer> written = new ConcurrentHashMap<>();
        String listing;
        String targets;
        try (DaemonProcess daemon = start("first.log")) {
            CisternCli cli = new CisternCli(daemon.awaitApi(), dir.resolve("data/api.token"));
            logInWithLibiscsi(daemon);
            reloadDuringIo(daemon, cli, written);

            cli.ok("create -V 16M tank/web");
            cli.ok("set shareiscsi=on tank/web");
            assertTrue(cli.ok("target list -H").contains(VMSTORE + "\tVM datastore\t127.0.0.1:" + port + "\ton\t2\ttank/web\t16M"),
                    "the next LUN of the share target");
            try (QemuIoSession io = QemuIoSession.open(lun(2), HV1)) {
                io.run("write -P 0x5a 0 1M", COMMAND);
                io.run("read -P 0x5a 0 1M", COMMAND);
            }
            cli.ok("snapshot tank/web@monday");
            try (QemuIoSession io = QemuIoSession.open(lun(2), HV1)) {
                io.run("write -P 0x6b 1M 1M", COMMAND);
            }
            listing = cli.ok("list -Hp -o name,volsize,refer,refreserv,shareiscsi -t all -r tank/web");
            assertTrue(listing.matches("tank/web\t16777216\t\\d+\t\\d+\ton\ntank/web@monday\t16777216\t\\d+\t\\S+\t\\S+\n"),
                    listing);
            targets = cli.ok("target list -Hp");
            assertEquals(0, daemon.terminate(Duration.ofSeconds(60)), daemon::tail);
        }

        try (DaemonProcess daemon = start("second.log")) {
            CisternCli cli = new CisternCli(daemon.awaitApi(), dir.resolve("data/api.token"));
            assertEquals(listing, cli.ok("list -Hp -o name,volsize,refer,refreserv,shareiscsi -t all -r tank/web"),
                    "the volume and its snapshot, as they were");
            assertEquals(targets, cli.ok("target list -Hp"), "every LUN, the shared one included, where it was");
            try (QemuIoSession io = QemuIoSession.open(lun(2), HV1)) {
                io.run("read -P 0x5a 0 1M", COMMAND);
                io.run("read -P 0x6b 1M 1M", COMMAND);
            }
            try (QemuIoSession io = QemuIoSession.open(lun(0), HV1)) {
                for (Map.Entry<Long, Integer> e : written.entrySet()) {
                    io.run("read -P " + e.getValue() + " " + e.getKey() + " " + IO_BLOCK, COMMAND);
                }
            }
            cli.ok("rollback tank/web@monday");
            assertEquals(0, daemon.terminate(Duration.ofSeconds(60)), daemon::tail);
        }
    }

    /** Discovery shows an initiator only the targets its ACL lets it in; logins need the right CHAP secrets. */
    private void logInWithLibiscsi(DaemonProcess daemon) throws Exception {
        Exec.Result ls = Exec.run(COMMAND, "iscsi-ls", "-i", HV1, "iscsi://127.0.0.1:" + port);
        assertTrue(ls.ok() && ls.output().contains("Target:" + VMSTORE) && !ls.output().contains(BACKUP), ls::describe);
        // CHAP in the URL: libiscsi offers it in discovery too, then repeats its InitiatorName in the
        // operational stage, and logs into each target with it to list the LUNs
        Exec.Result lsChap = Exec.run(COMMAND, "iscsi-ls", "-s", "-i", HV1,
                "iscsi://hypervisor%vmstore-secret1@127.0.0.1:" + port);
        assertTrue(lsChap.ok() && lsChap.output().contains("Lun:0"), lsChap::describe);

        Exec.Result inq = Exec.run(COMMAND, "iscsi-inq", "-i", HV1, lun(0).libiscsi());
        assertTrue(inq.ok() && inq.output().contains("DIRECT_ACCESS"), inq::describe);
        Exec.Result wrongSecret = Exec.run(COMMAND, "iscsi-inq", "-i", HV1,
                new IscsiUrl("127.0.0.1", port, VMSTORE, 0, Optional.of(Chap.oneWay("hypervisor",
                        "not-the-secret"))).libiscsi());
        assertFalse(wrongSecret.ok(), wrongSecret::describe);
        Exec.Result notInAcl = Exec.run(COMMAND, "iscsi-inq", "-i", "iqn.1994-05.com.redhat:hv9", lun(0).libiscsi());
        assertFalse(notInAcl.ok(), notInAcl::describe);

        IscsiUrl archive = new IscsiUrl("127.0.0.1", port, BACKUP, 1, Optional.of(
                Chap.mutual("backup-server", "backup-secret-01", "storage", "storage-secret1")));
        Exec.Result mutual = Exec.run(COMMAND, "iscsi-inq", "-i", BACKUP_SERVER, archive.libiscsi());
        assertTrue(mutual.ok() && mutual.output().contains("DIRECT_ACCESS"), mutual::describe);
        assertTrue(daemon.output().contains("login: " + BACKUP + " session"), daemon::tail);
    }

    /**
     * A session writes and reads back 64 KiB blocks on vmstore's LUN 0 throughout: a SIGHUP adds a volume
     * and a LUN of the backup target and quiets the log to WARN; {@code cistern reload} refuses a broken
     * file, then takes the LUN away again and restores the log. The session sees no error at all.
     */
    private void reloadDuringIo(DaemonProcess daemon, CisternCli cli, Map<Long, Integer> written) throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> io = CompletableFuture.runAsync(() -> {
            try (QemuIoSession session = QemuIoSession.open(lun(0), HV1)) {
                long deadline = System.nanoTime() + IO_LIMIT.toNanos();
                for (int i = 0; i < IO_MAX_ROUNDS && !stop.get() && System.nanoTime() < deadline; i++) {
                    long offset = (long) (i % IO_OFFSETS) * IO_BLOCK;
                    int pattern = 1 + i % 250;
                    session.run("write -P " + pattern + " " + offset + " " + IO_BLOCK, COMMAND);
                    session.run("read -P " + pattern + " " + offset + " " + IO_BLOCK, COMMAND);
                    written.put(offset, pattern);
                    rounds.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitRounds(rounds, 5, io);
        assertTrue(cli.ok("session list -H").contains(HV1 + "\t"), "the I/O session is listed");

        write("""
                cistern {
                  logging.level = WARN
                  pools.tank.volumes.extra { size = 8M }
                  targets.backup.luns += { lun = 2, volume = "tank/extra" }
                }
                """);
        Exec.run(COMMAND, "kill", "-HUP", Long.toString(daemon.process().pid())).orThrow();
        long deadline = System.nanoTime() + COMMAND.toNanos();
        while (!cli.ok("target list -H").contains(BACKUP + "\tBackups\t127.0.0.1:" + port + "\ton\t2\ttank/extra")) {
            assertTrue(System.nanoTime() < deadline, daemon::tail);
            Thread.sleep(50);
        }
        int logins = count(daemon.output(), "login: " + VMSTORE + " session");
        assertTrue(Exec.run(COMMAND, "iscsi-inq", "-i", HV1, lun(0).libiscsi()).ok());
        awaitRounds(rounds, rounds.get() + 5, io);

        write("cistern { pools.tank.size = lots }");
        CisternCli.Result refused = cli.run("reload");
        assertEquals(1, refused.status());
        assertTrue(refused.err().startsWith("cistern: configuration not reloaded, nothing changed: 1 problem(s):\n"
                + conf + ":"), refused.err());
        assertTrue(refused.err().contains(": cistern.pools.tank.size: "), refused.err());
        awaitRounds(rounds, rounds.get() + 5, io);

        write("");
        String changes = cli.ok("reload");
        assertTrue(changes.contains("logging levels changed\n"), changes);
        assertTrue(changes.contains("LUN removed: " + BACKUP + " 2 (tank/extra)\n"), changes);
        assertTrue(cli.ok("list -H -o name tank/extra").equals("tank/extra\n"), "a volume out of the file stays");
        assertTrue(Exec.run(COMMAND, "iscsi-inq", "-i", HV1, lun(0).libiscsi()).ok());
        assertEquals(logins + 1, count(daemon.output(), "login: " + VMSTORE + " session"),
                "logged at INFO again, and not while the level was WARN");
        awaitRounds(rounds, rounds.get() + 5, io);

        stop.set(true);
        io.get(IO_LIMIT.toSeconds() + 60, TimeUnit.SECONDS); // any error of the session fails here
        assertTrue(daemon.process().isAlive());
    }

    /** Waits until the I/O did {@code n} rounds; fails if it ended or failed first. */
    private static void awaitRounds(AtomicInteger rounds, int n, CompletableFuture<Void> io) throws Exception {
        long deadline = System.nanoTime() + IO_LIMIT.toNanos();
        while (rounds.get() < n) {
            if (io.isDone()) {
                io.get();
                throw new AssertionError("the I/O ended after " + rounds.get() + " rounds, before " + n);
            }
            assertTrue(System.nanoTime() < deadline, "I/O too slow: " + rounds.get() + " rounds");
            Thread.sleep(20);
        }
    }

    private DaemonProcess start(String log) throws Exception {
        return DaemonProcess.start(DaemonProcess.DEFAULT_JVM, dir.resolve(log), "run", "--config", conf.toString())
                .awaitListening(port);
    }

    /**
     * The test's file: the example included unchanged, then only what a test must change (data directory,
     * loopback portals on a free port, any free port for the API, pool and volumes sized for a temporary
     * directory), then {@code changes}.
     */
    private void write(String changes) throws Exception {
        Files.writeString(conf, """
                include "cistern.conf"
                cistern {
                  data-dir = "%s"
                  pools.tank { size = 256M, volumes { vm1.size = 32M, db.size = 32M } }
                  targets.vmstore.portals = ["127.0.0.1:%d"]
                  targets.backup.portals = ["127.0.0.1:%d"]
                  api.listen = ["127.0.0.1:0"]
                }
                %s""".formatted(dir.resolve("data"), port, port, changes));
    }

    private IscsiUrl lun(int lun) {
        return new IscsiUrl("127.0.0.1", port, VMSTORE, lun).withChap(HYPERVISOR);
    }

    private static String field(String tsv, int row, int column) {
        return tsv.split("\n")[row].split("\t")[column];
    }

    private static int count(String log, String text) {
        int n = 0;
        for (int at = log.indexOf(text); at >= 0; at = log.indexOf(text, at + 1)) {
            n++;
        }
        return n;
    }
}
