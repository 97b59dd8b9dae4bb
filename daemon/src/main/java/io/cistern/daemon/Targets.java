package io.cistern.daemon;

import io.cistern.daemon.TargetSpec.LunSpec;
import io.cistern.daemon.lun.ThinLunBackend;
import io.cistern.target.backend.FileBackend;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.login.Portal;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.session.Connection;
import io.cistern.target.session.SessionRegistry;
import io.cistern.target.session.TargetNode;
import io.cistern.target.session.TargetRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running target nodes, their SCSI devices and LUN backends, changed to match a list of
 * {@link TargetSpec}s: all of them at start, only the difference on reload. A LUN whose backing is
 * unchanged keeps its backend (and its sessions' I/O); LUNs added or removed under a live session
 * raise REPORTED LUNS DATA HAS CHANGED (the SCSI device does that); a removed target's sessions end.
 */
final class Targets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Targets.class);

    private record Running(TargetSpec spec, ScsiTargetDevice device, Map<Long, LunBackend> backends) {
    }

    private final TargetRegistry registry = new TargetRegistry();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Path dataDir;
    private final Pools pools;

    Targets(Path dataDir, Pools pools) {
        this.dataDir = dataDir;
        this.pools = pools;
    }

    TargetRegistry registry() {
        return registry;
    }

    /** Every portal some target listens on. */
    synchronized Set<InetSocketAddress> portals() {
        Set<InetSocketAddress> portals = new LinkedHashSet<>();
        running.values().forEach(r -> portals.addAll(r.spec().portals()));
        return portals;
    }

    /** A LUN's storage as the configuration names it ({@code tank/vm1}, {@code file:lun0.img}), or "?". */
    synchronized String backing(LunBackend backend) {
        for (Running r : running.values()) {
            for (Map.Entry<Long, LunBackend> e : r.backends().entrySet()) {
                if (e.getValue() == backend) {
                    return r.spec().luns().get(e.getKey()).backing();
                }
            }
        }
        return "?";
    }

    synchronized List<TargetSpec> specs() {
        return running.values().stream().map(Running::spec).toList();
    }

    /**
     * Makes the running targets match {@code desired}. Every backend the change needs is opened first;
     * if one cannot be, nothing changes. {@code sessions} (null before the fabric starts) lets the
     * sessions of removed targets be ended. Returns what changed, one line each.
     */
    synchronized List<String> apply(List<TargetSpec> desired, SessionRegistry sessions) throws IOException {
        Map<String, Map<Long, LunBackend>> opened = openNewBackends(desired);
        List<String> changes = new ArrayList<>();
        Set<String> keep = new LinkedHashSet<>();
        for (TargetSpec spec : desired) {
            keep.add(spec.key());
            Running was = running.get(spec.key());
            if (was != null && !was.spec().iqn().equals(spec.iqn())) {
                remove(spec.key(), sessions, changes); // renamed: a new node
                was = null;
            }
            ScsiTargetDevice device = was == null ? new ScsiTargetDevice() : was.device();
            Map<Long, LunBackend> backends = was == null ? new HashMap<>() : was.backends();
            Map<Long, LunBackend> fresh = opened.getOrDefault(spec.key(), Map.of());
            changeLuns(spec, was == null ? Map.of() : was.spec().luns(), device, backends, fresh, changes);
            running.put(spec.key(), new Running(spec, device, backends));
            if (was == null || !sameNode(was.spec(), spec)) {
                registry.add(node(spec, device));
                changes.add((was == null ? "target added: " : "target changed: ") + spec.iqn());
            }
        }
        for (String key : List.copyOf(running.keySet())) {
            if (!keep.contains(key)) {
                remove(key, sessions, changes);
            }
        }
        changes.forEach(c -> log.info("{}", c));
        return changes;
    }

    private void changeLuns(TargetSpec spec, Map<Long, LunSpec> before, ScsiTargetDevice device,
                            Map<Long, LunBackend> backends, Map<Long, LunBackend> fresh, List<String> changes) {
        for (LunSpec old : before.values()) {
            LunSpec now = spec.luns().get(old.lun());
            if (now == null || !now.sameBacking(old) || !now.initiators().equals(old.initiators())) {
                device.removeLun(old.lun());
                LunBackend backend = backends.remove(old.lun());
                if (now != null && now.sameBacking(old)) {
                    device.addLun(old.lun(), backend, now.initiators()); // only the masking changed
                    backends.put(old.lun(), backend);
                    changes.add("LUN initiators changed: " + spec.iqn() + " " + old.lun() + " " + now.initiators());
                } else {
                    closeQuietly(backend);
                    changes.add("LUN removed: " + spec.iqn() + " " + old.lun() + " (" + old.backing() + ")");
                }
            }
        }
        for (LunSpec lun : spec.luns().values()) {
            LunBackend backend = fresh.get(lun.lun());
            if (backend != null) {
                device.addLun(lun.lun(), backend, lun.initiators());
                backends.put(lun.lun(), backend);
                changes.add("LUN added: " + spec.iqn() + " " + lun.lun() + " (" + lun.backing() + ")");
            }
        }
    }

    /** Backends for LUNs that are new or whose backing changed; all or nothing. */
    private Map<String, Map<Long, LunBackend>> openNewBackends(List<TargetSpec> desired) throws IOException {
        Map<String, Map<Long, LunBackend>> opened = new HashMap<>();
        try {
            for (TargetSpec spec : desired) {
                Running was = running.get(spec.key());
                boolean sameNode = was != null && was.spec().iqn().equals(spec.iqn());
                for (LunSpec lun : spec.luns().values()) {
                    LunSpec old = sameNode ? was.spec().luns().get(lun.lun()) : null;
                    if (old == null || !old.sameBacking(lun)) {
                        opened.computeIfAbsent(spec.key(), k -> new HashMap<>()).put(lun.lun(), open(lun));
                    }
                }
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.values().forEach(m -> m.values().forEach(Targets::closeQuietly));
            throw e;
        }
    }

    private LunBackend open(LunSpec lun) throws IOException {
        if (lun.volume().isPresent()) {
            var volume = pools.volume(lun.volume().get());
            return new ThinLunBackend(volume.getKey(), volume.getValue());
        }
        Path file = dataDir.resolve(lun.file().orElseThrow());
        if (!Files.exists(file)) {
            if (lun.size() <= 0) {
                throw new IllegalArgumentException("LUN " + lun.lun() + ": " + file + " does not exist and no size is given");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(lun.size()); // sparse: blocks are allocated as they are written
            }
            log.info("created sparse LUN file {} ({} bytes)", file, lun.size());
        }
        return new FileBackend(file, lun.blockSize(), lun.readOnly(), FileBackend.identityOf(file), 4);
    }

    private void remove(String key, SessionRegistry sessions, List<String> changes) {
        Running r = running.remove(key);
        registry.remove(r.spec().iqn());
        if (sessions != null) {
            for (Connection c : sessions.connections()) {
                if (c.session().target().map(n -> n.name().equals(r.spec().iqn())).orElse(false)) {
                    c.close();
                }
            }
        }
        for (long lun : List.copyOf(r.backends().keySet())) {
            r.device().removeLun(lun);
            closeQuietly(r.backends().remove(lun));
        }
        changes.add("target removed: " + r.spec().iqn());
    }

    private static boolean sameNode(TargetSpec a, TargetSpec b) {
        return a.alias().equals(b.alias()) && a.portalGroupTag() == b.portalGroupTag() && a.portals().equals(b.portals())
                && a.acl().equals(b.acl()) && a.chap().equals(b.chap());
    }

    private static TargetNode node(TargetSpec spec, ScsiTargetDevice device) {
        List<Portal> portals = spec.portals().stream()
                .map(a -> new Portal(a.getHostString(), a.getPort(), spec.portalGroupTag())).toList();
        return new TargetNode(spec.iqn(), spec.alias(), spec.portalGroupTag(), portals, spec.acl(), spec.chap(), device);
    }

    /** Flushes every backend, then closes it: the clean stop. */
    @Override
    public synchronized void close() {
        for (Running r : running.values()) {
            for (LunBackend backend : r.backends().values()) {
                try {
                    backend.flush().join();
                } catch (RuntimeException e) {
                    log.error("flush failed on close: {}", e.toString());
                }
                closeQuietly(backend);
            }
        }
        running.clear();
    }

    private static void closeQuietly(LunBackend backend) {
        try {
            backend.close();
        } catch (RuntimeException e) {
            log.warn("closing a LUN backend: {}", e.toString());
        }
    }
}
