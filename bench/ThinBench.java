// Benchmark launcher for scripts/bench-thin.sh: runs the Cistern daemon in this process (exactly as
// `bin/cistern run --config FILE` does, through io.cistern.daemon.Daemon) and adds a management line
// protocol on 127.0.0.1:CONTROL_PORT, because the daemon has no management API yet (issue 5).
// Run in Java's source-file mode against the shaded daemon jar:
//
//   java -cp daemon/build/cistern.jar bench/ThinBench.java CONFIG CONTROL_PORT
//
// Commands (one per line, one reply line each; errors reply "error MESSAGE"):
//   snapshot POOL VOLUME SNAP   takes VOLUME@SNAP; replies "ok MICROSECONDS" (wall time of Pool.snapshot)
//   flush POOL                  waits for a pool commit; replies "ok"
//   props POOL VOLUME           replies "ok referenced=... written=... used=... usedbysnapshots=..."
//   pool POOL                   replies "ok allocated=... used=... commits=... cachebytes=..."
//   mem                         runs a GC, replies "ok heapused=... heapcommitted=... rss=... nmtcommitted=..."
//                               (bytes; nmtcommitted is -1 without -XX:NativeMemoryTracking=summary)
//   quit                        stops the daemon and exits
// Not part of the product: test scaffolding only; main sources are untouched.
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.cistern.daemon.Daemon;
import io.cistern.thinpool.pool.PoolProperties;
import io.cistern.thinpool.pool.VolumeProperties;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class ThinBench {
    public static void main(String[] args) throws Exception {
        Config chosen = ConfigFactory.parseFile(Path.of(args[0]).toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config config = ConfigFactory.defaultOverrides().withFallback(chosen)
                .withFallback(ConfigFactory.defaultReference()).resolve();
        Daemon daemon = Daemon.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 4, InetAddress.getLoopbackAddress())) {
            System.out.println("thinbench: control on " + server.getLocalSocketAddress());
            while (true) {
                try (Socket s = server.accept();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.US_ASCII));
                        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        String[] w = line.trim().split("\\s+");
                        if (w[0].equals("quit")) {
                            out.println("ok");
                            System.exit(0);
                        }
                        String reply;
                        try {
                            reply = "ok" + command(daemon, w);
                        } catch (RuntimeException e) {
                            reply = "error " + e;
                        }
                        System.out.println("thinbench: " + line + " -> " + reply);
                        out.println(reply);
                    }
                }
            }
        }
    }

    private static String command(Daemon daemon, String[] w) {
        switch (w[0]) {
            case "snapshot": {
                long t0 = System.nanoTime();
                daemon.pool(w[1]).snapshot(w[2], w[3]);
                return " " + (System.nanoTime() - t0) / 1000;
            }
            case "flush":
                daemon.pool(w[1]).flush().join();
                return "";
            case "props": {
                VolumeProperties p = daemon.pool(w[1]).properties(w[2]);
                return " referenced=" + p.referenced() + " written=" + p.written() + " used=" + p.used()
                        + " usedbysnapshots=" + p.usedbysnapshots();
            }
            case "pool": {
                PoolProperties p = daemon.pool(w[1]).properties();
                return " allocated=" + p.allocated() + " used=" + p.used() + " commits=" + p.commits()
                        + " cachebytes=" + p.metadataCacheBytes() + " cachehit=" + p.metadataCacheHitRate()
                        + " mapcachehit=" + p.mapCacheHitRate() + " mapcacheentries=" + p.mapCacheEntries()
                        + " tablereaders=" + p.metadataMemory().tableReaders() + " memtables=" + p.metadataMemory().memtables()
                        + " blockcache=" + p.metadataMemory().blockCache() + " pinned=" + p.metadataMemory().blockCachePinned();
            }
            case "mem": {
                System.gc();
                Runtime rt = Runtime.getRuntime();
                return " heapused=" + (rt.totalMemory() - rt.freeMemory()) + " heapcommitted=" + rt.totalMemory()
                        + " rss=" + rss() + " nmtcommitted=" + nmtCommitted();
            }
            default:
                throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    /** The JVM's own committed memory (heap, GC, threads, code, direct buffers...) when started with
     * -XX:NativeMemoryTracking=summary, else -1. RSS minus this is memory the JVM does not track
     * (RocksDB's native allocations, malloc arenas, mapped files). */
    private static long nmtCommitted() {
        try {
            Object out = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            var m = java.util.regex.Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(out.toString());
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
