package io.cistern.daemon.config;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A target's LUNs: numbers, what each serves (a pool volume or a file), and its masking. */
final class LunRules {
    /** SAM-5 flat space addressing reaches LUN 16383; Cistern uses single-level LUNs. */
    static final int MAX_LUN = 16383;
    private static final Pattern VOLUME = Pattern.compile("([^/@]+)/([^/@]+)(@([^/@]+))?");

    private LunRules() {
    }

    static void check(Section target, Config lunDefaults, Map<String, PoolRules.Declared> pools, Path dataDir) {
        Map<Long, Section> numbers = new HashMap<>();
        for (Section lun : target.elements("luns", lunDefaults)) {
            if (lun.require("lun", "the LUN number, 0 to " + MAX_LUN)) {
                lun.number("lun", 0, MAX_LUN).ifPresent(n -> {
                    Section first = numbers.putIfAbsent(n, lun);
                    if (first != null) {
                        lun.problem("lun", "LUN " + n + " twice in target " + target.name() + " (also at "
                                + first.where("lun") + ")");
                    }
                });
            }
            if (lun.has("volume") == lun.has("file")) {
                lun.problem("a LUN serves exactly one of volume = \"pool/volume\" and file = \"name.img\"");
            } else if (lun.has("volume")) {
                lun.string("volume").ifPresent(v -> volume(lun, v, pools));
                for (String fileOnly : new String[] {"size", "block-size"}) {
                    if (lun.written(fileOnly)) {
                        lun.problem(fileOnly, "is for file LUNs; a volume has its size and volblocksize in its pool");
                    }
                }
            } else {
                lun.string("file").ifPresent(f -> file(lun, dataDir.resolve(f)));
            }
            lun.number("block-size", 512, 4096).filter(b -> b != 512 && b != 4096)
                    .ifPresent(b -> lun.problem("block-size", "must be 512 or 4096, not " + b));
            lun.bool("read-only");
            TargetRules.initiators(lun, "initiators");
        }
    }

    /** {@code pool/volume[@snapshot]}: the pool must be declared, and the volume declared or plausibly made by the CLI. */
    private static void volume(Section lun, String name, Map<String, PoolRules.Declared> pools) {
        Matcher m = VOLUME.matcher(name);
        if (!m.matches()) {
            lun.problem("volume", "\"" + name + "\" is not pool/volume or pool/volume@snapshot");
            return;
        }
        PoolRules.Declared pool = pools.get(m.group(1));
        if (pool == null) {
            lun.problem("volume", "no pool " + m.group(1) + " in pools");
        } else if (!pool.exists() && m.group(4) != null) {
            lun.problem("volume", "pool " + m.group(1) + " is created at this start, so it has no snapshot "
                    + m.group(2) + "@" + m.group(4) + " yet");
        } else if (!pool.exists() && !pool.volumes().contains(m.group(2))) {
            lun.problem("volume", "no volume " + m.group(2) + " in pools." + m.group(1) + ".volumes, and pool "
                    + m.group(1) + " is created at this start, so nothing made with the CLI can be it either");
        }
        // In a pool that exists, a volume not declared may have been made with the CLI: checked when it opens.
    }

    /** A file LUN is created sparse with {@code size} when missing; an existing file is served as it is. */
    private static void file(Section lun, Path file) {
        lun.bytes("size");
        if (!Files.exists(file) && !lun.has("size")) {
            lun.problem("size", "missing: " + file + " does not exist; give its size to create it");
        }
    }
}
