package io.cistern.target.login;

import static io.cistern.target.login.ChapTestSupport.hex;
import static io.cistern.target.login.ChapTestSupport.response;
import static io.cistern.target.login.ChapTestSupport.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChapAuthenticatorTest {
    private static final ChapSecret INITIATOR = new ChapSecret("alice", "initiator-secret-12");
    private static final ChapSecret TARGET = new ChapSecret("tgt", "target-secret-3456");

    /** The challenge a test initiator received: algorithm code, identifier, challenge bytes. */
    private record Challenge(int algorithm, int id, byte[] challenge) {}

    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> asMap(List<KeyValue> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        pairs.forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }

    private static Challenge start(ChapAuthenticator chap, String offer) {
        AuthOutcome out = chap.step(keys("CHAP_A", offer));
        Map<String, String> reply = asMap(assertInstanceOf(AuthOutcome.InProgress.class, out).reply());
        assertEquals(List.of("CHAP_A", "CHAP_I", "CHAP_C"), List.copyOf(reply.keySet()));
        int id = Integer.parseInt(reply.get("CHAP_I"));
        assertTrue(id >= 0 && id <= 255);
        return new Challenge(Integer.parseInt(reply.get("CHAP_A")), id, unhex(reply.get("CHAP_C")));
    }

    private static ChapAuthenticator oneWay() {
        return new ChapAuthenticator(new ChapConfig(INITIATOR, Optional.empty(), EnumSet.allOf(ChapAlgorithm.class)),
                new SecureRandom());
    }

    private static ChapAuthenticator mutual() {
        return new ChapAuthenticator(ChapConfig.mutual(INITIATOR, TARGET), new SecureRandom());
    }

    private static void assertFailed(AuthOutcome out) {
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertInstanceOf(AuthOutcome.Failed.class, out).status());
    }

    @ParameterizedTest(name = "CHAP_A={0} ({1})")
    @CsvSource({"5,MD5,16", "6,SHA-1,20", "7,SHA-256,32", "8,SHA3-256,32"})
    void authenticatesWithEachAlgorithm(int code, String jcaName, int challengeLength) {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, Integer.toString(code));
        assertEquals(code, c.algorithm());
        assertEquals(challengeLength, c.challenge().length);
        byte[] r = response(jcaName, c.id(), INITIATOR.secret(), c.challenge());
        AuthOutcome out = chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(r)));
        assertEquals(List.of(), assertInstanceOf(AuthOutcome.Authenticated.class, out).reply());
    }

    @Test
    void picksTheStrongestAllowedAlgorithm() {
        assertEquals(8, start(oneWay(), "5,8,6,7").algorithm());
        ChapAuthenticator legacy = new ChapAuthenticator(new ChapConfig(INITIATOR, Optional.empty(),
                EnumSet.of(ChapAlgorithm.MD5, ChapAlgorithm.SHA1)), new SecureRandom());
        assertEquals(6, start(legacy, "7,6,5").algorithm());
    }

    @Test
    void failsWhenNoOfferedAlgorithmIsAllowed() {
        assertFailed(oneWay().step(keys("CHAP_A", "9,abc,")));
        ChapAuthenticator sha256Only = new ChapAuthenticator(new ChapConfig(INITIATOR, Optional.empty(),
                EnumSet.of(ChapAlgorithm.SHA256)), new SecureRandom());
        assertFailed(sha256Only.step(keys("CHAP_A", "5")));
    }

    @Test
    void challengesDifferEachTime() {
        assertFalse(java.util.Arrays.equals(start(oneWay(), "7").challenge(), start(oneWay(), "7").challenge()));
    }

    @Test
    void acceptsBase64AndUppercaseHexResponses() {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "7");
        byte[] r = response("SHA-256", c.id(), INITIATOR.secret(), c.challenge());
        assertInstanceOf(AuthOutcome.Authenticated.class,
                chap.step(keys("CHAP_N", "alice", "CHAP_R", "0b" + Base64.getEncoder().encodeToString(r))));

        ChapAuthenticator chap2 = oneWay();
        Challenge c2 = start(chap2, "5");
        byte[] r2 = response("MD5", c2.id(), INITIATOR.secret(), c2.challenge());
        assertInstanceOf(AuthOutcome.Authenticated.class,
                chap2.step(keys("CHAP_N", "alice", "CHAP_R", "0X" + java.util.HexFormat.of().withUpperCase().formatHex(r2))));
    }

    @Test
    void wrongSecretFails() {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "7");
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(response("SHA-256", c.id(), "guessed-secret", c.challenge())))));
    }

    @Test
    void wrongNameFails() {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "7");
        assertFailed(chap.step(keys("CHAP_N", "mallory", "CHAP_R", hex(response("SHA-256", c.id(), INITIATOR.secret(), c.challenge())))));
    }

    @Test
    void responseWithTheWrongAlgorithmFails() {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "7");
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(response("MD5", c.id(), INITIATOR.secret(), c.challenge())))));
    }

    @Test
    void malformedOrMissingResponseFails() {
        ChapAuthenticator chap = oneWay();
        start(chap, "7");
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", "0xZZ")));
        ChapAuthenticator chap2 = oneWay();
        start(chap2, "7");
        assertFailed(chap2.step(keys("CHAP_N", "alice")));
        assertFailed(oneWay().step(keys("CHAP_N", "alice", "CHAP_R", "0x00")));
    }

    @Test
    void mutualChapAnswersWithTheTargetSecret() {
        ChapAuthenticator chap = mutual();
        Challenge c = start(chap, "8");
        byte[] r = response("SHA3-256", c.id(), INITIATOR.secret(), c.challenge());
        byte[] ourChallenge = new byte[32];
        new SecureRandom().nextBytes(ourChallenge);
        AuthOutcome out = chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(r), "CHAP_I", "77", "CHAP_C", hex(ourChallenge)));
        Map<String, String> reply = asMap(assertInstanceOf(AuthOutcome.Authenticated.class, out).reply());
        assertEquals("tgt", reply.get("CHAP_N"));
        assertArrayEquals(response("SHA3-256", 77, TARGET.secret(), ourChallenge), unhex(reply.get("CHAP_R")));
    }

    @Test
    void reflectedChallengeIsRefused() {
        ChapAuthenticator chap = mutual();
        Challenge c = start(chap, "7");
        byte[] r = response("SHA-256", c.id(), INITIATOR.secret(), c.challenge());
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(r), "CHAP_I", Integer.toString(c.id()),
                "CHAP_C", hex(c.challenge()))));
    }

    @Test
    void mutualRequestWithoutATargetSecretIsRefused() {
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "7");
        byte[] r = response("SHA-256", c.id(), INITIATOR.secret(), c.challenge());
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(r), "CHAP_I", "1", "CHAP_C", "0x0102030405060708")));
    }

    @Test
    void halfAMutualRequestIsRefused() {
        ChapAuthenticator chap = mutual();
        Challenge c = start(chap, "7");
        byte[] r = response("SHA-256", c.id(), INITIATOR.secret(), c.challenge());
        assertFailed(chap.step(keys("CHAP_N", "alice", "CHAP_R", hex(r), "CHAP_I", "1")));
    }

    @Test
    void chapKeysOutOfOrderFail() {
        assertFailed(oneWay().step(keys("CHAP_A", "5", "CHAP_N", "alice")));
        ChapAuthenticator chap = oneWay();
        Challenge c = start(chap, "5");
        assertInstanceOf(AuthOutcome.Authenticated.class, chap.step(keys("CHAP_N", "alice",
                "CHAP_R", hex(response("MD5", c.id(), INITIATOR.secret(), c.challenge())))));
        assertFailed(chap.step(keys("CHAP_A", "5")));
    }

    @Test
    void configRefusesOneSecretForBothDirectionsAndHidesSecrets() {
        assertThrows(IllegalArgumentException.class,
                () -> ChapConfig.mutual(INITIATOR, new ChapSecret("tgt", INITIATOR.secret())));
        assertFalse(INITIATOR.toString().contains(INITIATOR.secret()));
    }
}
