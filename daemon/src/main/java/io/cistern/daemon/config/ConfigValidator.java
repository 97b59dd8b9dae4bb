package io.cistern.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks a whole configuration before any of it is applied and returns every problem found, in file
 * order: unknown keys and types against reference.conf ({@link Schema}), then each section's rules.
 */
public final class ConfigValidator {
    private ConfigValidator() {
    }

    /** @param config resolved, with reference.conf under it; empty list if it is valid */
    public static List<ConfigProblem> problems(Config config) {
        Problems problems = new Problems();
        Schema.reference().check(config, problems);
        if (config.root().get(Schema.ROOT) instanceof ConfigObject root) {
            Section cistern = new Section(Schema.ROOT, root, config.getConfig(Schema.ROOT), problems);
            Path dataDir = Path.of(cistern.string("data-dir").orElse("."));
            cistern.section("iscsi").ifPresent(FabricRules::check);
            Map<String, PoolRules.Declared> pools = PoolRules.check(cistern, dataDir);
            TargetRules.check(cistern, pools, dataDir);
            cistern.section("api").ifPresent(ApiRules::check);
            cistern.section("logging").ifPresent(LoggingRules::check);
        }
        return problems.inFileOrder();
    }

    /** Throws {@link InvalidConfigException} with every problem unless {@code config} is valid. */
    public static Config valid(Config config) {
        List<ConfigProblem> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return config;
    }
}
