package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configurations run this way set {@code api.listen = ["127.0.0.1:0"]} (or a port of their own):
 * test daemons must not fight over the default 8080.
 *
 * <p>The appliance as its own process, {@code java -jar daemon/build/cistern.jar ARGS}, as {@code bin/cistern}
 * runs it: for the tests that kill it, stop it with a signal or talk to it with the CLI. Output goes to a log
 * file whose tail failures print.
 */
final class DaemonProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    /** Fast start on a small machine; what these tests check depends on neither the JIT nor the collector. */
    static final String DEFAULT_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m";

    private final Process process;
    private final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The shaded jar, built if a test runs before {@code mvn package} made it. */
    static Path jar() throws Exception {
        Path root = RepoPaths.root();
        Path jar = root.resolve("daemon/build/cistern.jar");
        if (!Files.isRegularFile(jar)) {
            Exec.run(Duration.ofMinutes(10), Map.of(), List.of("bash", "-c",
                    "cd '" + root + "' && mvn -q -B -o -DskipTests -pl daemon -am package")).orThrow();
        }
        assertTrue(Files.isRegularFile(jar), "no " + jar);
        return jar;
    }

    /** Runs {@code cistern ARGS} with the given JVM options, appending its output to {@code log}. */
    static DaemonProcess start(String jvmOptions, Path log, String... args) throws Exception {
        return start(Map.of(), jvmOptions, log, args);
    }

    /** The same, with {@code env} added to the environment. */
    static DaemonProcess start(Map<String, String> env, String jvmOptions, Path log, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : jvmOptions.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                cmd.add(opt);
            }
        }
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process p = builder.start();
        return new DaemonProcess(p, log);
    }

    /** Waits until something listens on 127.0.0.1:{@code port}; fails with the log's tail if the process exits. */
    DaemonProcess awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    fail("the appliance exited with " + process.exitValue() + " at start; log tail:\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    fail("the appliance did not listen on " + port + " within " + START_LIMIT + "; log tail:\n" + tail());
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * The management API's address, from the line the daemon logs once it listens (with port 0 in
     * {@code api.listen}, only the log knows it); the log must be this process's alone.
     */
    URI awaitApi() throws Exception {
        Pattern listening = Pattern.compile("management API on \\[/([0-9.]+:\\d+)");
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            Matcher m = listening.matcher(output());
            if (m.find()) {
                return URI.create("http://" + m.group(1));
            }
            if (!process.isAlive()) {
                fail("the appliance exited with " + process.exitValue() + " at start; log tail:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("the management API did not listen within " + START_LIMIT + "; log tail:\n" + tail());
            }
            Thread.sleep(20);
        }
    }

    Process process() {
        return process;
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the appliance did not die");
    }

    /** SIGTERM, and the exit status once it stopped within {@code limit}. */
    int terminate(Duration limit) throws Exception {
        process.destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the appliance did not stop within " + limit + " of SIGTERM; log tail:\n" + tail());
        }
        return process.exitValue();
    }

    /** The last 40 lines of the log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Kills the process if a test left it running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
