package io.cistern.daemon.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets: unique valid names, reachable portals, initiator ACLs, CHAP, and their LUNs. */
final class TargetRules {
    private TargetRules() {
    }

    static void check(Section cistern, Map<String, PoolRules.Declared> pools, Path dataDir) {
        Map<String, Section> byName = new HashMap<>();
        for (Section target : cistern.entries("targets", cistern.config("target-defaults"))) {
            Optional<String> iqn = target.require("iqn", "the target's name, as iqn.2026-11.com.example:storage")
                    ? target.string("iqn") : Optional.empty();
            iqn.ifPresent(name -> {
                String bad = IscsiName.problemWith(name);
                if (bad != null) {
                    target.problem("iqn", bad);
                } else if (byName.containsKey(name)) {
                    target.problem("iqn", name + " is already the name of target " + byName.get(name).name()
                            + " (" + byName.get(name).where("iqn") + ")");
                } else {
                    byName.put(name, target);
                }
            });
            target.string("alias");
            target.number("portal-group-tag", 1, 65535);
            List<Section.Item> portals = target.strings("portals");
            if (portals.isEmpty() && !target.written("portals")) {
                target.problem("portals", "missing: where the target listens, as [\"192.0.2.10:3260\"]");
            } else if (portals.isEmpty() && target.has("portals")) {
                target.problem("portals", "a target needs at least one portal");
            }
            for (Section.Item portal : portals) {
                try {
                    PortalAddress.parse(portal.value());
                } catch (IllegalArgumentException e) {
                    target.problem(portal, e.getMessage());
                }
            }
            initiators(target, "acl");
            target.section("chap").ifPresent(ChapRules::check);
            LunRules.check(target, cistern.config("lun-defaults"), pools, dataDir);
        }
        cistern.string("share-target").ifPresent(key -> {
            if (cistern.entries("targets", cistern.config("target-defaults")).stream()
                    .noneMatch(t -> t.name().equals(key))) {
                cistern.problem("share-target", "no target named " + key + " under targets");
            }
        });
    }

    /** A list of initiator names (an ACL, or a LUN's masking). */
    static void initiators(Section section, String key) {
        for (Section.Item name : section.strings(key)) {
            String bad = IscsiName.problemWith(name.value());
            if (bad != null) {
                section.problem(name, bad);
            }
        }
    }
}
