package io.cistern.integration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One qemu-io process, so one iSCSI session, fed commands one at a time on its standard input: I/O that
 * goes on while the test does something else (a reload, say). Logs in as {@code initiator} with the URL's
 * one-way CHAP, the secret passed as a QEMU secret object.
 */
final class QemuIoSession implements AutoCloseable {
    private static final String EOF = "\0eof";

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private QemuIoSession(Process process) {
        this.process = process;
        this.in = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line.replace("qemu-io> ", ""));
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
            lines.add(EOF);
        }, "qemu-io output");
        reader.setDaemon(true);
        reader.start();
    }

    static QemuIoSession open(IscsiUrl url, String initiator) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "600", "qemu-io"));
        StringBuilder opts = new StringBuilder("driver=iscsi,transport=tcp,portal=" + url.portal() + ",target="
                + url.iqn() + ",lun=" + url.lun() + ",initiator-name=" + initiator);
        url.chap().ifPresent(chap -> {
            cmd.addAll(List.of("--object", "secret,id=chap0,data=" + chap.secret()));
            opts.append(",user=").append(chap.user()).append(",password-secret=chap0");
        });
        cmd.addAll(List.of("--image-opts", opts.toString()));
        return new QemuIoSession(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /**
     * Runs one read or write command ("write -P 0x5a 0 64k") and returns its output.
     *
     * @throws IllegalStateException if it failed (an I/O error, a pattern mismatch), qemu-io ended, or no
     *     answer came within {@code limit}
     */
    String run(String command, Duration limit) throws IOException, InterruptedException {
        in.write(command + "\n");
        in.flush();
        long deadline = System.nanoTime() + limit.toNanos();
        StringBuilder out = new StringBuilder();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                throw new IllegalStateException("qemu-io " + (line == null ? "gave no answer within " + limit
                        : "ended") + " to '" + command + "':\n" + out);
            }
            out.append(line).append('\n');
            if (line.contains("failed") || line.startsWith("qemu-io:")) { // error_report: "qemu-io: iSCSI CheckCondition..."
                throw new IllegalStateException("qemu-io '" + command + "': " + out);
            }
            if (line.contains(" ops; ")) { // the statistics line ends each successful read or write
                return out.toString();
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            in.write("quit\n");
            in.close();
        } catch (IOException gone) {
            // it ended already
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
