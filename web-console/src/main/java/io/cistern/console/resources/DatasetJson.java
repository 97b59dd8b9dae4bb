package io.cistern.console.resources;

import io.cistern.thinpool.pool.VolumeProperties;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * A dataset as the API shows it: {@code zfs get all}'s properties, each {@code {"value", "source"}},
 * sizes as numbers of bytes, ZFS's {@code -} and {@code none} as null, dataset names in full
 * ({@code POOL/...}).
 */
final class DatasetJson {
    /** Properties whose value is text; the ratios are numbers; every other one is a count of bytes or seconds. */
    private static final Set<String> TEXT = Set.of("type", "readonly", "origin", "guid", "shareiscsi", "compression",
            "dedup");
    /** Ratios, shown by the pool as ZFS does ("1.98x"), are numbers here. */
    private static final Set<String> RATIOS = Set.of("compressratio", "refcompressratio");

    private DatasetJson() {
    }

    static JsonObject of(String pool, VolumeProperties p, boolean shared) {
        JsonObject props = new JsonObject();
        boolean snapshot = p.type().equals("snapshot");
        for (Map.Entry<String, String> e : p.asMap().entrySet()) {
            String name = e.getKey();
            String value = name.equals("origin") && !e.getValue().equals("-") ? pool + "/" + e.getValue() : e.getValue();
            props.put(name, property(name, value, source(name, p, snapshot)));
        }
        props.put("shareiscsi", property(shared ? "on" : "off", "-"));
        return new JsonObject().put("name", pool + "/" + p.name()).put("type", p.type()).put("properties", props);
    }

    private static JsonObject property(String name, String value, String source) {
        // Not one conditional expression: its numeric branches would promote every long to a double.
        if (value.equals("-") || value.equals("none")) {
            return property(null, source);
        }
        if (TEXT.contains(name)) {
            return property(value, source);
        }
        if (RATIOS.contains(name)) {
            return property(Double.valueOf(value.replace("x", "")), source);
        }
        return property(Long.valueOf(value), source);
    }

    private static JsonObject property(Object value, String source) {
        return new JsonObject().put("value", value).put("source", source);
    }

    /** {@code local} for what the user set, {@code default} for what they left, {@code -} for the rest. */
    private static String source(String name, VolumeProperties p, boolean snapshot) {
        if (snapshot) {
            return "-";
        }
        return switch (name) {
            case "volsize" -> "local";
            case "readonly" -> p.readonly() ? "local" : "default";
            case "refreservation" -> p.refreservation() != 0 ? "local" : "default";
            default -> "-";
        };
    }
}
