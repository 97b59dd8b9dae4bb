package io.cistern.target.login;

import static io.cistern.target.login.ChapTestSupport.hex;
import static io.cistern.target.login.ChapTestSupport.response;
import static io.cistern.target.login.ChapTestSupport.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The security stage of the login stage machine: AuthMethod and CHAP end to end. */
class LoginAuthenticationTest extends LoginTestBase {
    @Test
    void discoveryWithChapSucceeds() {
        directory.discoveryAuth = Optional.of(ChapConfig.oneWay("alice", "discovery-secret"));
        assertEquals("CHAP", keys(login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR,
                "SessionType=Discovery", "AuthMethod=CHAP"))).get("AuthMethod"));
        Map<String, String> c = keys(login.handle(req(SEC, OP, true, "CHAP_A=6")));
        assertEquals("6", c.get("CHAP_A"));
        LoginOutcome done = login.handle(req(SEC, OP, true, "CHAP_N=alice", "CHAP_R=" + hex(response("SHA-1",
                Integer.parseInt(c.get("CHAP_I")), "discovery-secret", unhex(c.get("CHAP_C"))))));
        assertEquals(LoginStatus.SUCCESS, done.status(), done.reason());
        assertTrue(done.transit());
        assertTrue(done.keys().isEmpty());
    }

    @Test
    void discoveryWithChap() {
        directory.discoveryAuth = Optional.of(ChapConfig.oneWay("alice", "discovery-secret"));
        LoginOutcome o = login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR, "SessionType=Discovery",
                "AuthMethod=None"));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, o);
    }

    @Test
    void chapRequiredRefusesNoneAndSkippingSecurity() {
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, securityNone(SECURE));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, fresh().handle(req(OP, FFP, true,
                "InitiatorName=" + INITIATOR, "TargetName=" + SECURE)));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, fresh().handle(req(SEC, OP, true,
                "InitiatorName=" + INITIATOR, "TargetName=" + SECURE)));
    }

    @Test
    void mutualChapLogin() {
        LoginOutcome auth = login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR, "TargetName=" + SECURE,
                "AuthMethod=CHAP,None"));
        assertEquals("CHAP", keys(auth).get("AuthMethod"));
        assertEquals("2", keys(auth).get("TargetPortalGroupTag"));
        assertFalse(auth.transit());

        LoginOutcome challenge = login.handle(req(SEC, OP, true, "CHAP_A=7,5"));
        assertFalse(challenge.transit());
        Map<String, String> c = keys(challenge);
        assertEquals("7", c.get("CHAP_A"));
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] ourChallenge = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        LoginOutcome answer = login.handle(req(SEC, OP, true, "CHAP_N=alice",
                "CHAP_R=" + hex(response("SHA-256", id, ALICE.secret(), unhex(c.get("CHAP_C")))),
                "CHAP_I=9", "CHAP_C=" + hex(ourChallenge)));
        assertEquals(LoginStatus.SUCCESS, answer.status(), answer.reason());
        assertTrue(answer.transit());
        assertEquals(OP, answer.nsg());
        assertEquals("tgt", keys(answer).get("CHAP_N"));
        assertArrayEquals(response("SHA-256", 9, TGT.secret(), ourChallenge), unhex(keys(answer).get("CHAP_R")));
        assertTrue(login.handle(req(OP, FFP, true)).complete());
    }

    @Test
    void chapWithTheWrongSecretFails() {
        login.handle(req(SEC, OP, false, "InitiatorName=" + INITIATOR, "TargetName=" + SECURE, "AuthMethod=CHAP"));
        Map<String, String> c = keys(login.handle(req(SEC, OP, false, "CHAP_A=5")));
        int id = Integer.parseInt(c.get("CHAP_I"));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, login.handle(req(SEC, OP, true, "CHAP_N=alice",
                "CHAP_R=" + hex(response("MD5", id, "not-the-secret", unhex(c.get("CHAP_C")))))));
    }

    @Test
    void chapStalledWithoutKeysFails() {
        login.handle(req(SEC, OP, false, "InitiatorName=" + INITIATOR, "TargetName=" + SECURE, "AuthMethod=CHAP"));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, login.handle(req(SEC, OP, true)));
    }

    @Test
    void chapKeysWithoutAuthMethodAreAnInitiatorError() {
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(SEC, OP, false, "InitiatorName=" + INITIATOR,
                "TargetName=" + SECURE, "CHAP_A=5")));
    }
}
