package io.cistern.cli.dataset;

import io.cistern.cli.UsageException;

/** Dataset names as in ZFS: POOL, POOL/VOLUME, POOL/VOLUME@SNAPSHOT. */
public final class Names {
    private Names() {
    }

    public static boolean isPool(String name) {
        return !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('@') < 0;
    }

    /** @throws UsageException unless the name is POOL/VOLUME */
    public static String volume(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1 || name.indexOf('@') >= 0) {
            throw new UsageException("'" + name + "' is not a volume name (POOL/VOLUME)");
        }
        return name;
    }

    /** @throws UsageException unless the name is POOL/VOLUME@SNAPSHOT */
    public static String snapshot(String name) {
        int at = name.indexOf('@');
        if (at < 0 || at == name.length() - 1 || name.indexOf('@', at + 1) >= 0) {
            throw new UsageException("'" + name + "' is not a snapshot name (POOL/VOLUME@SNAPSHOT)");
        }
        volume(name.substring(0, at));
        return name;
    }
}
