package io.cistern.target.session;

import io.cistern.target.login.ChapConfig;
import io.cistern.target.login.TargetDirectory;
import io.cistern.target.login.TargetInfo;
import io.cistern.target.login.TargetLookup;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The target nodes this appliance serves, by name. Login consults it through {@link TargetDirectory};
 * the daemon adds and removes nodes at run time (reload).
 *
 * <p>Thread-safe: reads come from every event loop, changes from the daemon.
 */
public final class TargetRegistry implements TargetDirectory {
    private final Map<String, TargetNode> nodes = new ConcurrentHashMap<>();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private volatile Optional<ChapConfig> discoveryAuth = Optional.empty();

    public void add(TargetNode node) {
        nodes.put(node.name(), node);
        removed.remove(node.name());
    }

    /** Removes a node; later logins to it get status 0x0204 (target removed). */
    public Optional<TargetNode> remove(String name) {
        TargetNode node = nodes.remove(name);
        if (node != null) {
            removed.add(name);
        }
        return Optional.ofNullable(node);
    }

    public Optional<TargetNode> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public Collection<TargetNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** CHAP required of discovery sessions; empty for none. */
    public void discoveryAuth(Optional<ChapConfig> chap) {
        this.discoveryAuth = chap;
    }

    @Override
    public TargetLookup lookup(String targetName) {
        TargetNode node = nodes.get(targetName);
        if (node != null) {
            return new TargetLookup.Found(node.info());
        }
        return removed.contains(targetName) ? new TargetLookup.Removed() : new TargetLookup.NotFound();
    }

    @Override
    public boolean allows(TargetInfo target, String initiatorName) {
        TargetNode node = nodes.get(target.name());
        return node != null && node.allows(initiatorName);
    }

    @Override
    public Optional<ChapConfig> discoveryAuth() {
        return discoveryAuth;
    }

    @Override
    public List<TargetInfo> visibleTo(String initiatorName) {
        return nodes.values().stream().filter(n -> n.allows(initiatorName)).map(TargetNode::info).toList();
    }
}
