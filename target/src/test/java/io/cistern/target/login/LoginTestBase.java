package io.cistern.target.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A directory with an open and a CHAP-protected target, and helpers to drive {@link LoginNegotiation}. */
abstract class LoginTestBase {
    static final String TARGET = "iqn.2026-01.io.cistern:disk";
    static final String SECURE = "iqn.2026-01.io.cistern:secure";
    static final String INITIATOR = "iqn.1994-05.com.redhat:host";
    static final ChapSecret ALICE = new ChapSecret("alice", "initiator-secret-12");
    static final ChapSecret TGT = new ChapSecret("tgt", "target-secret-3456");
    static final int SEC = 0;
    static final int OP = 1;
    static final int FFP = 3;

    final FakeDirectory directory = new FakeDirectory()
            .add(new TargetInfo(TARGET, Optional.of("disk"), 7, Optional.empty(), List.of()))
            .add(new TargetInfo(SECURE, Optional.empty(), 2, Optional.of(ChapConfig.mutual(ALICE, TGT)), List.of()));
    LoginNegotiation login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());

    static LoginInput req(int csg, int nsg, boolean transit, String... pairs) {
        return new LoginInput(csg, nsg, transit, false, 0x023d000000L, 0, 1, 0, 0, text(pairs));
    }

    static byte[] text(String... pairs) {
        StringBuilder sb = new StringBuilder();
        for (String p : pairs) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> keys(LoginOutcome o) {
        Map<String, String> m = new LinkedHashMap<>();
        o.keys().forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }

    static void assertStatus(LoginStatus expected, LoginOutcome o) {
        assertEquals(expected, o.status(), o.reason());
        assertTrue(o.keys().isEmpty());
        assertFalse(o.transit());
    }

    LoginOutcome securityNone(String target) {
        return login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR, "SessionType=Normal",
                "TargetName=" + target, "AuthMethod=None"));
    }

    LoginNegotiation fresh() {
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        return login;
    }
}
