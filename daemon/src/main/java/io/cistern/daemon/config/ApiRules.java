package io.cistern.daemon.config;

import java.util.regex.Pattern;

/** The management API section: listen addresses and the token hashes it accepts. */
final class ApiRules {
    private static final Pattern SHA256_HEX = Pattern.compile("\\p{XDigit}{64}");

    private ApiRules() {
    }

    static void check(Section api) {
        for (Section.Item listen : api.strings("listen")) {
            try {
                PortalAddress.parse(listen.value(), 0); // 0: any free port
            } catch (IllegalArgumentException e) {
                api.problem(listen, e.getMessage());
            }
        }
        for (Section.Item hash : api.strings("token-sha256")) {
            if (!SHA256_HEX.matcher(hash.value()).matches()) {
                api.problem(hash, "not a SHA-256 in hex (64 hex digits): printf %s TOKEN | sha256sum");
            }
        }
    }
}
