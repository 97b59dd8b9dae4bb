package io.cistern.target.login;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory {@link TargetDirectory} for tests. */
final class FakeDirectory implements TargetDirectory {
    final Map<String, TargetInfo> targets = new HashMap<>();
    final Set<String> removed = new HashSet<>();
    final Set<String> denied = new HashSet<>();
    Optional<ChapConfig> discoveryAuth = Optional.empty();
    boolean discoveryEnabled = true;
    boolean broken;

    FakeDirectory add(TargetInfo t) {
        targets.put(t.name(), t);
        return this;
    }

    @Override
    public TargetLookup lookup(String targetName) {
        if (broken) {
            throw new IllegalStateException("configuration store unavailable");
        }
        if (removed.contains(targetName)) {
            return new TargetLookup.Removed();
        }
        TargetInfo t = targets.get(targetName);
        return t == null ? new TargetLookup.NotFound() : new TargetLookup.Found(t);
    }

    @Override
    public boolean allows(TargetInfo target, String initiatorName) {
        return !denied.contains(initiatorName);
    }

    @Override
    public Optional<ChapConfig> discoveryAuth() {
        return discoveryAuth;
    }

    @Override
    public boolean discoveryEnabled() {
        return discoveryEnabled;
    }

    @Override
    public List<TargetInfo> visibleTo(String initiatorName) {
        return denied.contains(initiatorName) ? List.of() : new ArrayList<>(targets.values());
    }
}
