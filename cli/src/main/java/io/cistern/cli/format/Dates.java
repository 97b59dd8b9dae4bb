package io.cistern.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times as zfs(8) and zpool(8) print them, in the local time zone. */
public final class Dates {
    /** zfs list/get's creation: strftime "%a %b %e %k:%M %Y". */
    private static final DateTimeFormatter CREATION = DateTimeFormatter.ofPattern("EEE MMM ppd ppH:mm yyyy", Locale.US);
    /** zpool status: ctime(3), "%a %b %e %H:%M:%S %Y". */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private Dates() {
    }

    public static String creation(Instant t, ZoneId zone) {
        return CREATION.withZone(zone).format(t);
    }

    public static String ctime(Instant t, ZoneId zone) {
        return CTIME.withZone(zone).format(t);
    }

    /** zpool status' elapsed and remaining times: "00:01:23", hours not wrapped. */
    public static String hms(long seconds) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
