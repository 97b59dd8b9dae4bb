package io.cistern.daemon.config;

import java.util.Optional;

/** A target's CHAP settings (RFC 7143 §12.1.3): both halves of each direction, and usable secrets. */
final class ChapRules {
    /** Microsoft's initiator refuses secrets outside 12 to 16 characters; open-iscsi and VMware follow suit. */
    static final int MIN_SECRET = 12;
    static final int MAX_SECRET = 16;

    private ChapRules() {
    }

    static void check(Section chap) {
        if (!chap.has("user") && !chap.has("secret") && !chap.has("mutual-user") && !chap.has("mutual-secret")) {
            return; // no CHAP
        }
        chap.require("user", "the CHAP name the initiator logs in with");
        chap.require("secret", "the initiator's CHAP secret");
        Optional<String> secret = secret(chap, "secret");
        if (chap.has("mutual-user") && !chap.has("mutual-secret")) {
            chap.problem("mutual-secret", "missing: mutual-user needs mutual-secret, the secret the target answers with");
        } else if (chap.has("mutual-secret") && !chap.has("mutual-user")) {
            chap.problem("mutual-user", "missing: mutual-secret needs mutual-user, the name the target answers with");
        }
        Optional<String> mutual = secret(chap, "mutual-secret");
        if (mutual.isPresent() && mutual.equals(secret)) {
            chap.problem("mutual-secret", "must differ from secret: one secret both ways lets a rogue target "
                    + "reflect the initiator's own challenge back to it");
        }
        chap.string("user").filter(String::isBlank).ifPresent(u -> chap.problem("user", "empty CHAP name"));
        chap.string("mutual-user").filter(String::isBlank).ifPresent(u -> chap.problem("mutual-user", "empty CHAP name"));
    }

    private static Optional<String> secret(Section chap, String key) {
        Optional<String> secret = chap.string(key);
        int length = secret.map(s -> s.codePointCount(0, s.length())).orElse(MIN_SECRET);
        if (length < MIN_SECRET || length > MAX_SECRET) {
            chap.problem(key, "is " + length + " characters; initiators require a CHAP secret of " + MIN_SECRET
                    + " to " + MAX_SECRET);
            return Optional.empty();
        }
        return secret;
    }
}
