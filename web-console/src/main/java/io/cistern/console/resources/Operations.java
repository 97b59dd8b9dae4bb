package io.cistern.console.resources;

import io.cistern.console.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The long operations the API started, by id, for polling. Running ones are all kept; of the finished,
 * the latest {@link #KEEP_FINISHED}, so the table stays small on a box that scrubs for years.
 */
public final class Operations {
    static final int KEEP_FINISHED = 64;
    private final Map<String, Operation> byId = new LinkedHashMap<>();
    private long next = 1;

    /** A new operation of {@code kind} on {@code target}; refused while one of the same is running. */
    synchronized Operation start(String kind, String target) {
        for (Operation o : byId.values()) {
            if (o.running() && o.kind().equals(kind) && o.target().equals(target)) {
                throw ApiException.conflict("a " + kind + " of " + target + " is already running (operation "
                        + o.id() + ")");
            }
        }
        return add(kind, target);
    }

    /** A new operation of {@code kind} on {@code target}, beside any others (a name destroyed twice). */
    synchronized Operation add(String kind, String target) {
        forgetOldFinished();
        Operation o = new Operation(Long.toString(next++), kind, target);
        byId.put(o.id(), o);
        return o;
    }

    synchronized Optional<Operation> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The latest operation of {@code kind} on {@code target}, running or not. */
    synchronized Optional<Operation> latest(String kind, String target) {
        Operation found = null;
        for (Operation o : byId.values()) {
            if (o.kind().equals(kind) && o.target().equals(target)) {
                found = o;
            }
        }
        return Optional.ofNullable(found);
    }

    private void forgetOldFinished() {
        List<String> finished = new ArrayList<>();
        byId.values().stream().filter(o -> !o.running()).forEach(o -> finished.add(o.id()));
        for (int i = 0; i < finished.size() - KEEP_FINISHED + 1; i++) {
            byId.remove(finished.get(i));
        }
    }
}
