package io.cistern.cli.dataset;

import java.util.Arrays;
import java.util.Optional;

/**
 * The properties of a Cistern volume or snapshot, with ZFS's names, column headers and kinds, in
 * the order {@code zfs get all} prints them (zfs_prop_t order). As in zfs, a property may be
 * named by its lowercase column header: refer, avail, usedsnap, usedds, lused, ratio, rdonly.
 */
public enum Property {
    NAME("name", "NAME", Kind.TEXT),
    TYPE("type", "TYPE", Kind.TEXT),
    CREATION("creation", "CREATION", Kind.DATE),
    USED("used", "USED", Kind.BYTES),
    AVAILABLE("available", "AVAIL", Kind.BYTES),
    REFERENCED("referenced", "REFER", Kind.BYTES),
    COMPRESSRATIO("compressratio", "RATIO", Kind.RATIO),
    ORIGIN("origin", "ORIGIN", Kind.TEXT),
    VOLSIZE("volsize", "VOLSIZE", Kind.BYTES),
    VOLBLOCKSIZE("volblocksize", "VOLBLOCK", Kind.BYTES),
    COMPRESSION("compression", "COMPRESS", Kind.INDEX),
    READONLY("readonly", "RDONLY", Kind.ON_OFF),
    SHAREISCSI("shareiscsi", "SHAREISCSI", Kind.INDEX),
    REFRESERVATION("refreservation", "REFRESERV", Kind.RESERVATION),
    GUID("guid", "GUID", Kind.COUNT),
    USEDBYSNAPSHOTS("usedbysnapshots", "USEDSNAP", Kind.BYTES),
    USEDBYDATASET("usedbydataset", "USEDDS", Kind.BYTES),
    USEDBYCHILDREN("usedbychildren", "USEDCHILD", Kind.BYTES),
    USEDBYREFRESERVATION("usedbyrefreservation", "USEDREFRESERV", Kind.BYTES),
    DEDUP("dedup", "DEDUP", Kind.INDEX),
    REFCOMPRESSRATIO("refcompressratio", "REFRATIO", Kind.RATIO),
    WRITTEN("written", "WRITTEN", Kind.BYTES),
    LOGICALUSED("logicalused", "LUSED", Kind.BYTES),
    LOGICALREFERENCED("logicalreferenced", "LREFER", Kind.BYTES);

    private final String zfsName;
    private final String column;
    private final Kind kind;

    Property(String zfsName, String column, Kind kind) {
        this.zfsName = zfsName;
        this.column = column;
        this.kind = kind;
    }

    /** The property's name in the API and in {@code get}'s PROPERTY column. */
    public String zfsName() {
        return zfsName;
    }

    /** The header of its {@code list} column. */
    public String column() {
        return column;
    }

    public Kind kind() {
        return kind;
    }

    /** zfs's propname_match: the exact name, or the column header in lower case. */
    public static Optional<Property> find(String name) {
        return Arrays.stream(values())
                .filter(p -> p.zfsName.equals(name) || p.column.toLowerCase(java.util.Locale.ROOT).equals(name))
                .findFirst();
    }
}
