package io.cistern.target.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperationalNegotiatorTest {
    private static final TargetLimits LIMITS = TargetLimits.defaults();

    private static OperationalNegotiator normal(TargetLimits limits) {
        return new OperationalNegotiator(limits, SessionType.NORMAL, true);
    }

    private static String answer(OperationalNegotiator n, String key, String value) {
        return n.respond(LoginKey.named(key).orElseThrow(), value).map(KeyValue::value).orElse("<none>");
    }

    private static String answer(String key, String value) {
        return answer(normal(LIMITS), key, value);
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // list: first initiator value we support
        "HeaderDigest|CRC32C,None|CRC32C",
        "HeaderDigest|None,CRC32C|None",
        "DataDigest|Foo,CRC32C|CRC32C",
        "DataDigest|Foo|Reject",
        "TaskReporting|FastAbort,RFC3720|RFC3720",
        "TaskReporting|ResponseFence|Reject",
        // min against our limits (defaults: MaxBurst 1 MiB, FirstBurst 64 KiB, MaxConnections 1, MaxOutstandingR2T 16)
        "MaxBurstLength|16776192|1048576",
        "MaxBurstLength|4096|4096",
        "MaxBurstLength|0x1000|4096",
        "MaxBurstLength|511|Reject",
        "MaxBurstLength|16777216|Reject",
        "MaxBurstLength|lots|Reject",
        "FirstBurstLength|262144|65536",
        "MaxConnections|8|1",
        "MaxConnections|0|Reject",
        "MaxOutstandingR2T|1|1",
        "MaxOutstandingR2T|100|16",
        "DefaultTime2Retain|0|0",
        "DefaultTime2Retain|60|20",
        "ErrorRecoveryLevel|2|0",
        "ErrorRecoveryLevel|3|Reject",
        "iSCSIProtocolLevel|2|1",
        "iSCSIProtocolLevel|32|Reject",
        // max
        "DefaultTime2Wait|0|2",
        "DefaultTime2Wait|10|10",
        "DefaultTime2Wait|3601|Reject",
        // and / or (defaults: ImmediateData Yes, InitialR2T No, in-order Yes)
        "ImmediateData|Yes|Yes",
        "ImmediateData|No|No",
        "ImmediateData|yes|Reject",
        "InitialR2T|No|No",
        "InitialR2T|Yes|Yes",
        "DataPDUInOrder|No|Yes",
        "DataSequenceInOrder|Maybe|Reject",
        // obsolete markers (RFC 7143 §13.26) and target-only or full-feature-only keys
        "IFMarker|No|No",
        "OFMarker|Yes|No",
        "OFMarker|2048|Reject",
        "OFMarkInt|2048~65535|Reject",
        "IFMarkInt|2048~65535|Reject",
        "TargetAlias|x|Reject",
        "TargetAddress|10.0.0.1:3260,1|Reject",
        "TargetPortalGroupTag|1|Reject",
        "SendTargets|All|Reject",
        // declarative: no answer unless invalid
        "MaxRecvDataSegmentLength|65536|<none>",
        "MaxRecvDataSegmentLength|511|Reject",
        "MaxRecvDataSegmentLength|16777216|Reject",
        "InitiatorAlias|host|<none>",
    })
    void answersByTheKeysRule(String key, String offered, String expected) {
        assertEquals(expected, answer(key, offered));
    }

    @Test
    void andOrFollowOurPreference() {
        TargetLimits strict = new TargetLimits(List.of("None"), List.of("None"), 8192, 262144, 65536, 1, 1,
                true, false, true, true, 2, 20, 0);
        assertEquals("No", answer(normal(strict), "ImmediateData", "Yes"));
        assertEquals("Yes", answer(normal(strict), "InitialR2T", "No"));
        assertEquals("None", answer(normal(strict), "HeaderDigest", "CRC32C,None"));
        assertEquals("Reject", answer(normal(strict), "HeaderDigest", "CRC32C"));
    }

    @Test
    void negotiatedValuesAreKept() {
        OperationalNegotiator n = normal(LIMITS);
        answer(n, "MaxRecvDataSegmentLength", "0x10000");
        answer(n, "MaxBurstLength", "131072");
        answer(n, "HeaderDigest", "CRC32C");
        assertEquals(65536, n.number(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH));
        assertEquals(131072, n.number(LoginKey.MAX_BURST_LENGTH));
        assertEquals("CRC32C", n.value(LoginKey.HEADER_DIGEST));
        // Untouched keys keep the RFC default.
        assertEquals(2, n.number(LoginKey.DEFAULT_TIME_2_WAIT));
        assertTrue(n.flag(LoginKey.INITIAL_R2T));
    }

    @Test
    void rejectedValueLeavesTheDefault() {
        OperationalNegotiator n = normal(LIMITS);
        assertEquals("Reject", answer(n, "MaxBurstLength", "1"));
        assertEquals(262144, n.number(LoginKey.MAX_BURST_LENGTH));
    }

    @Test
    void firstBurstIsClampedToMaxBurst() {
        OperationalNegotiator n = normal(LIMITS);
        assertEquals("8192", answer(n, "MaxBurstLength", "8192"));
        assertEquals("8192", answer(n, "FirstBurstLength", "65536"));
        assertEquals(Optional.empty(), n.inconsistency());
    }

    @Test
    void firstBurstAboveALaterMaxBurstIsInconsistent() {
        OperationalNegotiator n = normal(LIMITS);
        assertEquals("65536", answer(n, "FirstBurstLength", "65536"));
        assertEquals("8192", answer(n, "MaxBurstLength", "8192"));
        assertTrue(n.inconsistency().isPresent());
    }

    @Test
    void dataPathKeysAreIrrelevantInDiscovery() {
        OperationalNegotiator n = new OperationalNegotiator(LIMITS, SessionType.DISCOVERY, true);
        for (String key : List.of("MaxConnections", "InitialR2T", "ImmediateData", "MaxBurstLength",
                "FirstBurstLength", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "TaskReporting")) {
            assertEquals("Irrelevant", answer(n, key, "1"), key);
        }
        assertEquals("CRC32C", answer(n, "HeaderDigest", "CRC32C,None"));
        assertEquals("<none>", answer(n, "MaxRecvDataSegmentLength", "8192"));
        assertEquals("0", answer(n, "ErrorRecoveryLevel", "0"));
    }

    @Test
    void leadingOnlyKeysAreRejectedOnOtherConnections() {
        OperationalNegotiator n = new OperationalNegotiator(LIMITS, SessionType.NORMAL, false);
        assertEquals("Reject", answer(n, "MaxBurstLength", "4096"));
        assertEquals("CRC32C", answer(n, "DataDigest", "CRC32C"));
    }

    @Test
    void targetDeclaresItsSegmentLengthAndOffersKeysWhoseDefaultItCannotAccept() {
        TargetLimits limits = new TargetLimits(List.of("None"), List.of("None"), 131072, 131072, 32768, 1, 1,
                false, false, true, true, 5, 0, 0);
        OperationalNegotiator n = normal(limits);
        assertTrue(n.needsOperationalStage());
        List<KeyValue> keys = n.targetKeys();
        assertEquals(List.of(new KeyValue("MaxRecvDataSegmentLength", "131072"),
                new KeyValue("ImmediateData", "No"), new KeyValue("MaxBurstLength", "131072"),
                new KeyValue("FirstBurstLength", "32768"), new KeyValue("DefaultTime2Wait", "5"),
                new KeyValue("DefaultTime2Retain", "0")), keys);
        assertTrue(n.awaitingAnswers());
        assertEquals(List.of(), n.targetKeys());
        // The initiator's answers are results: taken silently.
        assertEquals("<none>", answer(n, "ImmediateData", "No"));
        assertEquals("<none>", answer(n, "MaxBurstLength", "65536"));
        assertEquals("<none>", answer(n, "FirstBurstLength", "32768"));
        assertEquals("<none>", answer(n, "DefaultTime2Wait", "5"));
        assertTrue(n.awaitingAnswers());
        assertEquals("<none>", answer(n, "DefaultTime2Retain", "0"));
        assertFalse(n.awaitingAnswers());
        assertEquals(65536, n.number(LoginKey.MAX_BURST_LENGTH));
        assertFalse(n.flag(LoginKey.IMMEDIATE_DATA));
    }

    @Test
    void keysTheInitiatorNegotiatedAreNotOffered() {
        TargetLimits limits = new TargetLimits(List.of("None"), List.of("None"), 8192, 131072, 32768, 1, 1,
                false, true, true, true, 2, 20, 0);
        OperationalNegotiator n = normal(limits);
        answer(n, "MaxBurstLength", "262144");
        answer(n, "FirstBurstLength", "65536");
        assertFalse(n.needsOperationalStage());
        assertEquals(List.of(new KeyValue("MaxRecvDataSegmentLength", "8192")), n.targetKeys());
        assertFalse(n.awaitingAnswers());
    }

    @Test
    void limitsOutOfRangeAreAConfigurationError() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TargetLimits(
                List.of("None"), List.of("None"), 100, 262144, 65536, 1, 1, false, true, true, true, 2, 20, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TargetLimits(
                List.of("None"), List.of("None"), 8192, 4096, 65536, 1, 1, false, true, true, true, 2, 20, 0));
    }
}
