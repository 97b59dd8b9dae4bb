package io.cistern.target.login;

import java.util.List;
import java.util.Optional;

/**
 * The one table of RFC 7143 §12-13 (and RFC 7144 §8) text keys a target meets during login:
 * how a value is negotiated, where the initiator may send it, its range and default.
 */
public enum LoginKey {
    // name, rule, phase, min, max, default, leading only (LO), irrelevant in discovery, list choices
    HEADER_DIGEST("HeaderDigest", Rule.LIST, Phase.OPERATIONAL, 0, 0, "None", false, false, "None", "CRC32C"),
    DATA_DIGEST("DataDigest", Rule.LIST, Phase.OPERATIONAL, 0, 0, "None", false, false, "None", "CRC32C"),
    MAX_CONNECTIONS("MaxConnections", Rule.MIN, Phase.OPERATIONAL, 1, 65535, "1", true, true),
    SEND_TARGETS("SendTargets", Rule.FULL_FEATURE_ONLY, Phase.ANY, 0, 0, "", false, false),
    TARGET_NAME("TargetName", Rule.DECLARATIVE, Phase.ANY, 0, 0, "", true, false),
    INITIATOR_NAME("InitiatorName", Rule.DECLARATIVE, Phase.ANY, 0, 0, "", true, false),
    TARGET_ALIAS("TargetAlias", Rule.TARGET_ONLY, Phase.ANY, 0, 0, "", false, false),
    INITIATOR_ALIAS("InitiatorAlias", Rule.DECLARATIVE, Phase.ANY, 0, 0, "", false, false),
    TARGET_ADDRESS("TargetAddress", Rule.TARGET_ONLY, Phase.ANY, 0, 0, "", false, false),
    TARGET_PORTAL_GROUP_TAG("TargetPortalGroupTag", Rule.TARGET_ONLY, Phase.ANY, 0, 0, "", false, false),
    INITIAL_R2T("InitialR2T", Rule.OR, Phase.OPERATIONAL, 0, 0, "Yes", true, true),
    IMMEDIATE_DATA("ImmediateData", Rule.AND, Phase.OPERATIONAL, 0, 0, "Yes", true, true),
    MAX_RECV_DATA_SEGMENT_LENGTH("MaxRecvDataSegmentLength", Rule.DECLARATIVE, Phase.OPERATIONAL,
            512, 16777215, "8192", false, false),
    MAX_BURST_LENGTH("MaxBurstLength", Rule.MIN, Phase.OPERATIONAL, 512, 16777215, "262144", true, true),
    FIRST_BURST_LENGTH("FirstBurstLength", Rule.MIN, Phase.OPERATIONAL, 512, 16777215, "65536", true, true),
    DEFAULT_TIME_2_WAIT("DefaultTime2Wait", Rule.MAX, Phase.OPERATIONAL, 0, 3600, "2", true, false),
    DEFAULT_TIME_2_RETAIN("DefaultTime2Retain", Rule.MIN, Phase.OPERATIONAL, 0, 3600, "20", true, false),
    MAX_OUTSTANDING_R2T("MaxOutstandingR2T", Rule.MIN, Phase.OPERATIONAL, 1, 65535, "1", true, true),
    DATA_PDU_IN_ORDER("DataPDUInOrder", Rule.OR, Phase.OPERATIONAL, 0, 0, "Yes", true, true),
    DATA_SEQUENCE_IN_ORDER("DataSequenceInOrder", Rule.OR, Phase.OPERATIONAL, 0, 0, "Yes", true, true),
    ERROR_RECOVERY_LEVEL("ErrorRecoveryLevel", Rule.MIN, Phase.OPERATIONAL, 0, 2, "0", true, false),
    SESSION_TYPE("SessionType", Rule.DECLARATIVE, Phase.ANY, 0, 0, "Normal", true, false),
    AUTH_METHOD("AuthMethod", Rule.SECURITY, Phase.SECURITY, 0, 0, "None", true, false),
    CHAP_A("CHAP_A", Rule.SECURITY, Phase.SECURITY, 0, 0, "", true, false),
    CHAP_I("CHAP_I", Rule.SECURITY, Phase.SECURITY, 0, 0, "", true, false),
    CHAP_C("CHAP_C", Rule.SECURITY, Phase.SECURITY, 0, 0, "", true, false),
    CHAP_N("CHAP_N", Rule.SECURITY, Phase.SECURITY, 0, 0, "", true, false),
    CHAP_R("CHAP_R", Rule.SECURITY, Phase.SECURITY, 0, 0, "", true, false),
    TASK_REPORTING("TaskReporting", Rule.LIST, Phase.OPERATIONAL, 0, 0, "RFC3720", true, true,
            "RFC3720", "ResponseFence", "FastAbort"),
    ISCSI_PROTOCOL_LEVEL("iSCSIProtocolLevel", Rule.MIN, Phase.OPERATIONAL, 0, 31, "1", true, true),
    // RFC 7143 §13.26 obsoletes the marker keys but a responder still meets them (Linux initiators
    // send IFMarker=No, OFMarker=No): markers SHOULD get Reject or MAY get No, intervals MUST get Reject.
    OF_MARKER("OFMarker", Rule.OBSOLETE_MARKER, Phase.OPERATIONAL, 0, 0, "No", false, false),
    IF_MARKER("IFMarker", Rule.OBSOLETE_MARKER, Phase.OPERATIONAL, 0, 0, "No", false, false),
    OF_MARK_INT("OFMarkInt", Rule.OBSOLETE_MARK_INT, Phase.OPERATIONAL, 0, 0, "", false, false),
    IF_MARK_INT("IFMarkInt", Rule.OBSOLETE_MARK_INT, Phase.OPERATIONAL, 0, 0, "", false, false);

    /** How the value of a key is reached. */
    public enum Rule {
        /** Responder picks the first initiator value it supports (RFC 7143 §6.2.1). */
        LIST,
        /** Numerical, result is the smaller of offer and responder's value (§6.2.2). */
        MIN,
        /** Numerical, result is the larger. */
        MAX,
        /** Boolean AND. */
        AND,
        /** Boolean OR. */
        OR,
        /** The sender states its own value; no answer (§6.2). */
        DECLARATIVE,
        /** Only a target sends it; an initiator sending it gets Reject. */
        TARGET_ONLY,
        /** Text requests in full feature phase only (SendTargets). */
        FULL_FEATURE_ONLY,
        /** AuthMethod and the CHAP keys, handled by the security stage. */
        SECURITY,
        OBSOLETE_MARKER,
        OBSOLETE_MARK_INT
    }

    /** The login stage an initiator may send the key in. */
    public enum Phase { SECURITY, OPERATIONAL, ANY }

    private final String keyName;
    private final Rule rule;
    private final Phase phase;
    private final long min;
    private final long max;
    private final String defaultValue;
    private final boolean leadingOnly;
    private final boolean irrelevantInDiscovery;
    private final List<String> choices;

    LoginKey(String keyName, Rule rule, Phase phase, long min, long max, String defaultValue,
             boolean leadingOnly, boolean irrelevantInDiscovery, String... choices) {
        this.keyName = keyName;
        this.rule = rule;
        this.phase = phase;
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
        this.leadingOnly = leadingOnly;
        this.irrelevantInDiscovery = irrelevantInDiscovery;
        this.choices = List.of(choices);
    }

    /** The key with this exact (case-sensitive) name; empty for unknown and X-/X# extension keys. */
    public static Optional<LoginKey> named(String name) {
        for (LoginKey k : values()) {
            if (k.keyName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public String keyName() {
        return keyName;
    }

    public Rule rule() {
        return rule;
    }

    public Phase phase() {
        return phase;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** RFC 7143 default, the value in force when nobody negotiates the key. */
    public String defaultValue() {
        return defaultValue;
    }

    /** LO: may only be negotiated on the leading connection of a session. */
    public boolean leadingOnly() {
        return leadingOnly;
    }

    /** RFC 7143 "Irrelevant when: SessionType=Discovery". */
    public boolean irrelevantInDiscovery() {
        return irrelevantInDiscovery;
    }

    /** The values a LIST key can take. */
    public List<String> choices() {
        return choices;
    }
}
