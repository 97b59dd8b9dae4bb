package io.cistern.daemon.config;

import java.util.List;
import java.util.Optional;

/** The iSCSI fabric section: the ranges RFC 7143 §13 gives its keys, and what the target can honour. */
final class FabricRules {
    private static final List<String> DIGESTS = List.of("None", "CRC32C");
    /** MaxRecvDataSegmentLength, MaxBurstLength and FirstBurstLength are 512 to 2^24-1 (RFC 7143 §13.12-14). */
    private static final long MIN_LENGTH = 512;
    private static final long MAX_LENGTH = (1 << 24) - 1;

    private FabricRules() {
    }

    static void check(Section iscsi) {
        for (String key : List.of("header-digests", "data-digests")) {
            List<Section.Item> digests = iscsi.strings(key);
            if (digests.isEmpty() && iscsi.has(key)) {
                iscsi.problem(key, "offer at least one digest: None, CRC32C");
            }
            for (Section.Item d : digests) {
                if (!DIGESTS.contains(d.value())) {
                    iscsi.problem(d, "\"" + d.value() + "\" is not a digest: None or CRC32C");
                }
            }
        }
        iscsi.bytes("max-recv-data-segment-length", MIN_LENGTH, MAX_LENGTH);
        Optional<Long> burst = iscsi.bytes("max-burst-length", MIN_LENGTH, MAX_LENGTH);
        Optional<Long> first = iscsi.bytes("first-burst-length", MIN_LENGTH, MAX_LENGTH);
        if (burst.isPresent() && first.isPresent() && first.get() > burst.get()) {
            iscsi.problem("first-burst-length", "must not exceed max-burst-length (" + burst.get() + ")");
        }
        iscsi.number("max-outstanding-r2t", 1, 65535);
        iscsi.number("queue-depth", 1, 65535);
        iscsi.bytes("max-write-length", MIN_LENGTH, 1L << 30);
        for (String key : List.of("nop-in-interval", "nop-in-timeout", "login-timeout")) {
            iscsi.duration(key).filter(d -> d.isZero()).ifPresent(d -> iscsi.problem(key, "must be longer than 0"));
        }
        iscsi.duration("logout-grace");
        iscsi.number("event-loop-threads", 0, 1024);
        iscsi.bool("immediate-data");
        iscsi.bool("initial-r2t");
    }
}
