package io.cistern.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys reference.conf declares, and their types, checked against a configuration: a key it does
 * not declare is refused, so a typo is reported instead of silently keeping a default. The keys of
 * user-named entries ({@code targets.NAME}, {@code luns[i]}, {@code pools.NAME.volumes.NAME}) are those
 * of the block {@code cistern.NOUN-defaults} for an empty map or list named {@code NOUNs}.
 */
final class Schema {
    static final String ROOT = "cistern";
    private static final String DEFAULTS = "-defaults";

    private final ConfigObject declared;
    private final Set<String> topLevel;
    /** Map or list name ({@code targets}) → the block declaring its entries' keys ({@code target-defaults}). */
    private final Map<String, ConfigObject> entryKeys = new HashMap<>();

    private Schema(Config reference) {
        this.declared = reference.getObject(ROOT);
        this.topLevel = reference.root().keySet();
        declared.forEach((key, value) -> {
            if (key.endsWith(DEFAULTS) && value instanceof ConfigObject block) {
                entryKeys.put(key.substring(0, key.length() - DEFAULTS.length()) + "s", block);
            }
        });
    }

    /** The schema of the reference.conf files on the class path (system properties and all). */
    static Schema reference() {
        return new Schema(ConfigFactory.defaultReference());
    }

    void check(Config config, Problems problems) {
        config.root().forEach((key, value) -> {
            if (!topLevel.contains(key)) {
                problems.add(value.origin(), key, "unknown key; Cistern reads only the `" + ROOT + "` section");
            }
        });
        if (config.root().get(ROOT) != null) {
            checkEntry(config.root().get(ROOT), declared, ROOT, problems);
        }
    }

    private void checkValue(ConfigValue actual, String key, ConfigValue declaredValue, String path, Problems problems) {
        ConfigObject entry = isEmpty(declaredValue) ? entryKeys.get(key) : null;
        String bad = Kind.declaredBy(declaredValue).problemWith(actual);
        if (bad != null) {
            problems.add(actual.origin(), path, bad);
        } else if (entry != null && actual instanceof ConfigObject map) {
            map.forEach((name, e) -> checkEntry(e, entry, path + "." + name, problems));
        } else if (entry != null && actual instanceof ConfigList list) {
            for (int i = 0; i < list.size(); i++) {
                checkEntry(list.get(i), entry, path + "[" + i + "]", problems);
            }
        } else if (actual instanceof ConfigObject object) {
            checkObject(object, (ConfigObject) declaredValue, path, problems);
        } else if (actual instanceof ConfigList list) {
            ConfigList example = (ConfigList) declaredValue;
            Kind element = example.isEmpty() ? Kind.STRING : Kind.declaredBy(example.get(0));
            for (int i = 0; i < list.size(); i++) {
                String wrong = element.problemWith(list.get(i));
                if (wrong != null) {
                    problems.add(list.get(i).origin(), path + "[" + i + "]", wrong);
                }
            }
        }
    }

    /** An object whose keys are declared by {@code keys}: a section, or one user-named entry. */
    private void checkEntry(ConfigValue entry, ConfigObject keys, String path, Problems problems) {
        if (entry instanceof ConfigObject object) {
            checkObject(object, keys, path, problems);
        } else {
            problems.add(entry.origin(), path, Kind.OBJECT.problemWith(entry));
        }
    }

    private void checkObject(ConfigObject object, ConfigObject keys, String path, Problems problems) {
        object.forEach((key, value) -> {
            ConfigValue d = keys.get(key);
            if (d == null) {
                problems.add(value.origin(), path + "." + key, unknown(key, keys.keySet()));
            } else {
                checkValue(value, key, d, path + "." + key, problems);
            }
        });
    }

    private static boolean isEmpty(ConfigValue v) {
        return v instanceof ConfigObject o && o.isEmpty() || v instanceof ConfigList l && l.isEmpty();
    }

    private static String unknown(String key, Set<String> known) {
        String closest = null;
        int best = 3; // suggest only a near miss: at most two edits
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < best) {
                best = d;
                closest = k;
            }
        }
        return closest != null ? "unknown key (did you mean " + closest + "?)"
                : "unknown key; the keys here are " + String.join(", ", new TreeSet<>(known));
    }

    /** Levenshtein distance, for suggesting the key a typo was meant to be. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
