package io.cistern.integration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * QEMU's block tools as the initiator: qemu-img (convert, info) and qemu-io, on
 * {@code iscsi://[USER%SECRET@]127.0.0.1:PORT/IQN/LUN} URLs or, for a size or a secret object,
 * {@code json:{"driver":"raw","size":N,"file":{"driver":"iscsi",...}}}.
 */
public final class Qemu {
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final Duration COPY = Duration.ofMinutes(5);

    private Qemu() {
    }

    /** {@code qemu-img info URL}. */
    public static Exec.Result info(IscsiUrl url) throws IOException, InterruptedException {
        return Exec.run(SHORT, "qemu-img", "info", url.qemu());
    }

    /** Copies a raw image into the start of the LUN ({@code -n}: the LUN exists, no creation). */
    public static Exec.Result convertInto(Path rawImage, IscsiUrl url) throws IOException, InterruptedException {
        return Exec.run(COPY, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw",
                rawImage.toString(), url.qemu());
    }

    /** Copies the first {@code size} bytes of the LUN (a whole number of 512-byte sectors) to a raw file. */
    public static Exec.Result convertOut(IscsiUrl url, long size, Path rawImage) throws IOException, InterruptedException {
        return Exec.run(COPY, "qemu-img", "convert", "-f", "raw", "-O", "raw",
                sizedJson(url, size), rawImage.toString());
    }

    /** Runs qemu-io commands ("write -P 0xab 0 4k", "read -P 0xab 0 4k", ...) in one session on the LUN. */
    public static Exec.Result io(IscsiUrl url, List<String> commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", url.qemu()));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return Exec.run(SHORT, Map.of(), cmd);
    }

    /**
     * Like {@link #io} but with the CHAP secret passed as a QEMU secret object
     * ({@code --object secret,id=chap0,data=SECRET} and {@code password-secret=chap0}) instead of in the URL.
     */
    public static Exec.Result ioWithSecretObject(IscsiUrl url, List<String> commands)
            throws IOException, InterruptedException {
        Chap chap = url.chap().orElseThrow(() -> new IllegalArgumentException("no CHAP in " + url));
        List<String> cmd = new ArrayList<>(List.of("qemu-io",
                "--object", "secret,id=chap0,data=" + chap.secret(),
                "--image-opts", "driver=iscsi,transport=tcp,portal=" + url.portal() + ",target=" + url.iqn()
                        + ",lun=" + url.lun() + ",user=" + chap.user() + ",password-secret=chap0"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return Exec.run(SHORT, Map.of(), cmd);
    }

    /** {@code json:} filename of a raw node of {@code size} bytes over the iscsi driver (one-way CHAP only). */
    public static String sizedJson(IscsiUrl url, long size) {
        StringBuilder file = new StringBuilder()
                .append("{\"driver\":\"iscsi\",\"transport\":\"tcp\"")
                .append(",\"portal\":\"").append(url.portal()).append('"')
                .append(",\"target\":\"").append(url.iqn()).append('"')
                .append(",\"lun\":").append(url.lun());
        url.chap().ifPresent(c -> {
            if (c.isMutual()) {
                throw new IllegalStateException("QEMU's iscsi driver cannot do mutual CHAP");
            }
            file.append(",\"user\":\"").append(c.user()).append("\",\"password\":\"").append(c.secret()).append('"');
        });
        file.append('}');
        return "json:{\"driver\":\"raw\",\"size\":" + size + ",\"file\":" + file + "}";
    }
}
