package io.cistern.daemon.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems found so far, one per key path: the first check that finds a key wrong speaks for
 * it, so a value of the wrong type is not reported again by each rule that reads it.
 */
final class Problems {
    private final Map<String, ConfigProblem> byPath = new LinkedHashMap<>();

    void add(ConfigOrigin origin, String path, String message) {
        byPath.putIfAbsent(path, ConfigProblem.at(origin, path, message));
    }

    List<ConfigProblem> inFileOrder() {
        List<ConfigProblem> all = new ArrayList<>(byPath.values());
        all.sort(ConfigProblem.IN_FILE_ORDER);
        return all;
    }
}
