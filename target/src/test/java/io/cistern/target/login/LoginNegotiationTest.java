package io.cistern.target.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The login stage machine: stages, flags, identification, operational negotiation end to end. */
class LoginNegotiationTest extends LoginTestBase {
    @Test
    void normalLoginWithoutAuthentication() {
        LoginOutcome sec = securityNone(TARGET);
        assertEquals(LoginStatus.SUCCESS, sec.status());
        assertTrue(sec.transit());
        assertEquals(SEC, sec.csg());
        assertEquals(OP, sec.nsg());
        assertEquals(Map.of("TargetAlias", "disk", "TargetPortalGroupTag", "7", "AuthMethod", "None"), keys(sec));

        LoginOutcome op = login.handle(req(OP, FFP, true, "HeaderDigest=CRC32C,None", "DataDigest=None",
                "MaxRecvDataSegmentLength=65536", "MaxBurstLength=16776192", "FirstBurstLength=262144",
                "ImmediateData=Yes", "InitialR2T=No", "MaxConnections=1", "ErrorRecoveryLevel=0",
                "IFMarker=No", "OFMarker=No", "X-com.example.foo=1"));
        assertEquals(LoginStatus.SUCCESS, op.status());
        assertTrue(op.transit());
        assertEquals(FFP, op.nsg());
        Map<String, String> k = keys(op);
        assertEquals("CRC32C", k.get("HeaderDigest"));
        assertEquals("1048576", k.get("MaxBurstLength"));
        assertEquals("65536", k.get("FirstBurstLength"));
        assertEquals("NotUnderstood", k.get("X-com.example.foo"));
        assertEquals("No", k.get("IFMarker"));
        assertEquals("262144", k.get("MaxRecvDataSegmentLength"));

        SessionParameters p = op.parameters().orElseThrow();
        assertEquals(SessionType.NORMAL, p.sessionType());
        assertEquals(INITIATOR, p.initiatorName());
        assertEquals(Optional.of(TARGET), p.targetName());
        assertEquals(Optional.of("disk"), p.targetAlias());
        assertEquals(7, p.targetPortalGroupTag());
        assertEquals(0x023d000000L, p.isid());
        assertTrue(p.headerDigest());
        assertFalse(p.dataDigest());
        assertEquals(65536, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(262144, p.targetMaxRecvDataSegmentLength());
        assertEquals(1048576, p.maxBurstLength());
        assertEquals(65536, p.firstBurstLength());
        assertTrue(p.immediateData());
        assertFalse(p.initialR2T());
        assertEquals(1, p.maxOutstandingR2T());
        assertEquals(2, p.defaultTime2Wait());
        assertEquals(20, p.defaultTime2Retain());
        assertTrue(p.dataPduInOrder());
        // After completion nothing more is accepted.
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, login.handle(req(OP, FFP, true)));
    }

    @Test
    void loginMayStartInTheOperationalStage() {
        LoginOutcome o = login.handle(req(OP, FFP, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "InitiatorAlias=host", "MaxRecvDataSegmentLength=8192"));
        assertTrue(o.complete());
        assertEquals("7", keys(o).get("TargetPortalGroupTag"));
        assertEquals(Optional.of("host"), o.parameters().get().initiatorAlias());
        assertEquals(8192, o.parameters().get().initiatorMaxRecvDataSegmentLength());
    }

    @Test
    void targetTransitsOnlyWhenTheInitiatorAsks() {
        LoginOutcome o = login.handle(req(OP, 0, false, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET));
        assertFalse(o.transit());
        assertFalse(o.complete());
        assertTrue(login.handle(req(OP, FFP, true)).complete());
    }

    @Test
    void skippingTheOperationalStageStopsThereWhenWeHaveValuesToDeclare() {
        LoginOutcome o = login.handle(req(SEC, FFP, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=None"));
        assertTrue(o.transit());
        assertEquals(OP, o.nsg());
        LoginOutcome op = login.handle(req(OP, FFP, true));
        assertEquals("262144", keys(op).get("MaxRecvDataSegmentLength"));
        assertTrue(op.complete());
    }

    @Test
    void skippingTheOperationalStageWhenDefaultsSuit() {
        TargetLimits rfcDefaults = new TargetLimits(List.of("None"), List.of("None"), 8192, 262144, 65536, 1, 1,
                true, true, true, true, 2, 20, 0);
        login = new LoginNegotiation(rfcDefaults, directory, new SecureRandom());
        LoginOutcome o = login.handle(req(SEC, FFP, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=None"));
        assertEquals(FFP, o.nsg());
        SessionParameters p = o.parameters().orElseThrow();
        assertEquals(8192, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(262144, p.maxBurstLength());
    }

    @Test
    void offeredKeysMustBeAnsweredBeforeTransit() {
        TargetLimits noImmediate = new TargetLimits(List.of("None"), List.of("None"), 8192, 262144, 65536, 1, 1,
                false, false, true, true, 2, 20, 0);
        login = new LoginNegotiation(noImmediate, directory, new SecureRandom());
        LoginOutcome o = login.handle(req(OP, FFP, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET));
        assertFalse(o.transit());
        assertEquals("No", keys(o).get("ImmediateData"));
        LoginOutcome done = login.handle(req(OP, FFP, true, "ImmediateData=No"));
        assertTrue(done.complete());
        assertTrue(done.keys().isEmpty());
        assertFalse(done.parameters().get().immediateData());
    }

    @Test
    void missingInitiatorNameOrTargetName() {
        assertStatus(LoginStatus.MISSING_PARAMETER, login.handle(req(SEC, OP, true, "TargetName=" + TARGET, "AuthMethod=None")));
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        assertStatus(LoginStatus.MISSING_PARAMETER, login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR,
                "SessionType=Normal", "AuthMethod=None")));
    }

    @Test
    void unknownRemovedAndForbiddenTargets() {
        assertStatus(LoginStatus.NOT_FOUND, securityNone("iqn.2026-01.io.cistern:nope"));
        directory.removed.add("iqn.gone");
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        assertStatus(LoginStatus.TARGET_REMOVED, securityNone("iqn.gone"));
        directory.denied.add(INITIATOR);
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        assertStatus(LoginStatus.AUTHORIZATION_FAILURE, securityNone(TARGET));
    }

    @Test
    void directoryFailureIsATargetError() {
        directory.broken = true;
        assertStatus(LoginStatus.TARGET_ERROR, securityNone(TARGET));
    }

    @Test
    void unsupportedSessionTypeAndVersion() {
        assertStatus(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, login.handle(req(SEC, OP, true,
                "InitiatorName=" + INITIATOR, "SessionType=Bogus")));
        directory.discoveryEnabled = false;
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        assertStatus(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, login.handle(req(SEC, OP, true,
                "InitiatorName=" + INITIATOR, "SessionType=Discovery")));
        login = new LoginNegotiation(TargetLimits.defaults(), directory, new SecureRandom());
        assertStatus(LoginStatus.UNSUPPORTED_VERSION, login.handle(new LoginInput(SEC, OP, true, false, 1, 0, 1, 2, 1,
                text("InitiatorName=" + INITIATOR, "TargetName=" + TARGET))));
    }

    @Test
    void invalidStageFieldsAndFlags() {
        String[] first = {"InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None"};
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, login.handle(
                new LoginInput(SEC, OP, true, true, 1, 0, 1, 0, 0, text(first))));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, fresh().handle(req(SEC, 2, true, first)));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, fresh().handle(req(FFP, FFP, true, first)));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, fresh().handle(req(2, FFP, true, first)));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, fresh().handle(req(OP, OP, true, first)));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, fresh().handle(req(OP, SEC, true, first)));
    }

    @Test
    void stagesCannotGoBackwardsOrJumpWithoutTransit() {
        securityNone(TARGET);
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, login.handle(req(SEC, OP, true)));

        login = fresh();
        login.handle(req(SEC, OP, false, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None"));
        assertStatus(LoginStatus.INVALID_DURING_LOGIN, login.handle(req(OP, FFP, true)));
    }

    @Test
    void identityMustNotChangeDuringLogin() {
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(new LoginInput(OP, FFP, true, false, 0x023d000000L,
                0, 2, 0, 0, new byte[0])));
    }

    @Test
    void keysInTheWrongStage() {
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "AuthMethod=None", "MaxBurstLength=4096")));
        login = fresh();
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "AuthMethod=None")));
        login = fresh();
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "CHAP_A=5")));
    }

    @Test
    void aKeyMayBeNegotiatedOnlyOnce() {
        securityNone(TARGET);
        assertEquals(LoginStatus.SUCCESS, login.handle(req(OP, FFP, false, "MaxBurstLength=4096")).status());
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "MaxBurstLength=8192")));
    }

    @Test
    void theFirstRequestsIdentityMayBeRepeatedUnchangedButNotChanged() {
        securityNone(TARGET); // libiscsi repeats InitiatorName and SessionType in the operational stage
        assertEquals(LoginStatus.SUCCESS, login.handle(req(OP, FFP, true, "InitiatorName=" + INITIATOR,
                "SessionType=Normal", "TargetName=" + TARGET)).status());
        login = fresh();
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "InitiatorName=" + INITIATOR + ".other")));
    }

    @Test
    void connectionAddedToASessionMayNotNegotiateLeadingOnlyKeys() {
        LoginOutcome o = login.handle(new LoginInput(OP, FFP, true, false, 0x023d000000L, 0x12, 2, 0, 0,
                text("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "MaxBurstLength=4096", "DataDigest=CRC32C")));
        assertEquals("Reject", keys(o).get("MaxBurstLength"));
        assertEquals("CRC32C", keys(o).get("DataDigest"));
        assertEquals(0x12, o.parameters().orElseThrow().tsih());
    }

    @Test
    void sessionKeysAfterTheFirstRequestAreAnInitiatorError() {
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "SessionType=Discovery")));
    }

    @Test
    void unknownAndExtensionKeysAreNotUnderstoodInEitherStage() {
        LoginOutcome sec = login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=None", "X#com.example.key=1", "FutureKey=2"));
        assertEquals("NotUnderstood", keys(sec).get("X#com.example.key"));
        assertEquals("NotUnderstood", keys(sec).get("FutureKey"));
        LoginOutcome op = login.handle(req(OP, FFP, true, "X-com.example.key=1", "OFMarkInt=1~2"));
        assertEquals("NotUnderstood", keys(op).get("X-com.example.key"));
        assertEquals("Reject", keys(op).get("OFMarkInt"));
        assertTrue(op.complete());
    }

    @Test
    void malformedTextIsAnInitiatorError() {
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(new LoginInput(SEC, OP, true, false, 1, 0, 1, 0, 0,
                "InitiatorName".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void firstBurstAboveMaxBurstFailsAtTransit() {
        securityNone(TARGET);
        assertStatus(LoginStatus.INITIATOR_ERROR, login.handle(req(OP, FFP, true, "FirstBurstLength=65536",
                "MaxBurstLength=4096")));
    }

    @Test
    void continuedRequestsAreAccumulated() {
        byte[] all = text("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None");
        byte[] head = java.util.Arrays.copyOfRange(all, 0, 20);
        byte[] tail = java.util.Arrays.copyOfRange(all, 20, all.length);
        LoginOutcome partial = login.handle(new LoginInput(SEC, OP, false, true, 1, 0, 1, 0, 0, head));
        assertEquals(LoginStatus.SUCCESS, partial.status());
        assertFalse(partial.transit());
        assertTrue(partial.keys().isEmpty());
        LoginOutcome whole = login.handle(new LoginInput(SEC, OP, true, false, 1, 0, 1, 0, 0, tail));
        assertTrue(whole.transit());
        assertEquals("None", keys(whole).get("AuthMethod"));
    }

    @Test
    void discoverySession() {
        LoginOutcome sec = login.handle(req(SEC, OP, true, "InitiatorName=" + INITIATOR, "SessionType=Discovery",
                "AuthMethod=None"));
        assertTrue(sec.transit());
        assertFalse(keys(sec).containsKey("TargetPortalGroupTag"));
        LoginOutcome op = login.handle(req(OP, FFP, true, "HeaderDigest=None", "MaxBurstLength=4096",
                "ImmediateData=Yes", "MaxRecvDataSegmentLength=32768"));
        assertEquals("Irrelevant", keys(op).get("MaxBurstLength"));
        assertEquals("Irrelevant", keys(op).get("ImmediateData"));
        assertEquals("None", keys(op).get("HeaderDigest"));
        SessionParameters p = op.parameters().orElseThrow();
        assertEquals(SessionType.DISCOVERY, p.sessionType());
        assertEquals(Optional.empty(), p.targetName());
        assertEquals(32768, p.initiatorMaxRecvDataSegmentLength());
    }
}
