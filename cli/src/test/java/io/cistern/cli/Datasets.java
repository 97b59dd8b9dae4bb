package io.cistern.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.cli.api.Json;

/** Dataset JSON as docs/api.md describes it, for canned answers. */
public final class Datasets {
    public static final long K = 1024;
    public static final long M = K * K;
    public static final long G = M * K;

    private Datasets() {
    }

    /** A volume with the space columns of zfs list -o space,refer,written and its volsize. */
    public static ObjectNode volume(String name, long avail, long usedsnap, long usedds, long usedrefreserv,
            long refer, long written, long volsize, long refreserv) {
        ObjectNode d = dataset(name, "volume");
        ObjectNode p = (ObjectNode) d.get("properties");
        prop(p, "type", "volume", "-");
        p.set("creation", Json.object().put("value", "2026-03-01T08:07:06Z").put("source", "-"));
        prop(p, "used", usedsnap + usedds + usedrefreserv, "-");
        prop(p, "available", avail, "-");
        prop(p, "referenced", refer, "-");
        p.set("compressratio", Json.object().put("value", 1.0).put("source", "-"));
        p.set("volsize", Json.object().put("value", volsize).put("source", "local"));
        p.set("volblocksize", Json.object().put("value", 8 * K).put("source", "default"));
        p.set("readonly", Json.object().put("value", false).put("source", "default"));
        p.set("origin", Json.object().putNull("value").put("source", "-"));
        p.set("refreservation", Json.object().put("value", refreserv).put("source", refreserv == 0 ? "default" : "local"));
        prop(p, "usedbysnapshots", usedsnap, "-");
        prop(p, "usedbydataset", usedds, "-");
        prop(p, "usedbychildren", 0, "-");
        prop(p, "usedbyrefreservation", usedrefreserv, "-");
        prop(p, "written", written, "-");
        p.set("guid", Json.object().put("value", new java.math.BigInteger("17141455340451283742")).put("source", "-"));
        p.set("shareiscsi", Json.object().put("value", "off").put("source", "default"));
        return d;
    }

    /** A snapshot: only used, referenced and written have values, as in zfs list. */
    public static ObjectNode snapshot(String name, long used, long refer, long written) {
        ObjectNode d = dataset(name, "snapshot");
        ObjectNode p = (ObjectNode) d.get("properties");
        prop(p, "type", "snapshot", "-");
        prop(p, "used", used, "-");
        for (String none : new String[] {"available", "usedbysnapshots", "usedbydataset", "usedbychildren",
                "usedbyrefreservation"}) {
            p.set(none, Json.object().putNull("value").put("source", "-"));
        }
        prop(p, "referenced", refer, "-");
        prop(p, "written", written, "-");
        return d;
    }

    public static String array(ObjectNode... datasets) {
        return Json.MAPPER.createArrayNode().addAll(java.util.List.of(datasets)).toString();
    }

    private static ObjectNode dataset(String name, String type) {
        ObjectNode d = Json.object().put("name", name).put("type", type);
        d.set("properties", Json.object());
        return d;
    }

    private static void prop(ObjectNode properties, String name, Object value, String source) {
        ObjectNode p = Json.object().put("source", source);
        if (value instanceof Long l) {
            p.put("value", l);
        } else if (value instanceof Integer i) {
            p.put("value", i);
        } else {
            p.put("value", (String) value);
        }
        properties.set(name, p);
    }
}
