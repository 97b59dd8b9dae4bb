package io.cistern.thinpool.pool;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A dataset's properties and space accounting at one moment, named as {@code zfs get all} names them
 * (all sizes in bytes). Relations, as in ZFS (see seed 001):
 * <ul>
 * <li>used = usedbydataset + usedbysnapshots + usedbyrefreservation + usedbychildren
 * <li>usedbyrefreservation = max(0, refreservation - written): a reservation covers what was written
 * since the latest snapshot, so each snapshot restores it in full
 * <li>available = the pool's available + usedbyrefreservation
 * <li>written = bytes referenced that no snapshot holds; referenced counts those a snapshot shares
 * <li>sizes count stored bytes (a compressed block its fragment); logicalused and logicalreferenced
 * count volblocksize per stored block; compressratio = logicalused / (usedbydataset +
 * usedbysnapshots), refcompressratio = logicalreferenced / referenced (1.00 with no data)
 * </ul>
 * For a snapshot, used is what only it holds, written what was written between the previous
 * snapshot and it; the usedby* and available do not apply and are -1; its compression and dedup are
 * its volume's, and its compressratio is its refcompressratio (as in ZFS).
 */
public record VolumeProperties(String name, String type, UUID guid, long creationMillis, long volsize,
        int volblocksize, long refreservation, boolean readonly, String origin, long used, long available,
        long referenced, long written, long usedbydataset, long usedbysnapshots, long usedbyrefreservation,
        long usedbychildren, long logicalused, long logicalreferenced, String compression, String dedup,
        double compressratio, double refcompressratio) {

    /** {@code logical / stored}, 1.0 when nothing is stored. */
    static double ratio(long logical, long stored) {
        return stored <= 0 ? 1.0 : (double) logical / stored;
    }

    /** Property name to value, in {@code zfs get all} order ("none" for no reservation, "-" for n/a). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("creation", Long.toString(creationMillis / 1000));
        m.put("used", Long.toString(used));
        m.put("available", na(available));
        m.put("referenced", Long.toString(referenced));
        m.put("volsize", Long.toString(volsize));
        m.put("volblocksize", Long.toString(volblocksize));
        m.put("readonly", readonly ? "on" : "off");
        m.put("origin", origin.isEmpty() ? "-" : origin);
        m.put("refreservation", refreservation == 0 ? "none" : Long.toString(refreservation));
        m.put("usedbysnapshots", na(usedbysnapshots));
        m.put("usedbydataset", na(usedbydataset));
        m.put("usedbychildren", na(usedbychildren));
        m.put("usedbyrefreservation", na(usedbyrefreservation));
        m.put("written", Long.toString(written));
        m.put("logicalused", Long.toString(logicalused));
        m.put("logicalreferenced", Long.toString(logicalreferenced));
        m.put("compression", compression);
        m.put("compressratio", String.format(Locale.ROOT, "%.2fx", compressratio));
        m.put("refcompressratio", String.format(Locale.ROOT, "%.2fx", refcompressratio));
        m.put("dedup", dedup);
        m.put("guid", guid.toString());
        return m;
    }

    private static String na(long v) {
        return v < 0 ? "-" : Long.toString(v);
    }
}
