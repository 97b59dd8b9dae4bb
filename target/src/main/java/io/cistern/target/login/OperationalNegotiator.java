package io.cistern.target.login;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The responder side of operational parameter negotiation (RFC 7143 §6.2, §13) for one login.
 * It answers each key by the rule in {@link LoginKey}, declares our MaxRecvDataSegmentLength,
 * and offers the keys whose RFC default we cannot live with.
 */
final class OperationalNegotiator {
    private final TargetLimits limits;
    private final boolean discovery;
    private final boolean leading;
    /** Values reached so far; a key absent here still has its RFC default. */
    private final EnumMap<LoginKey, String> agreed = new EnumMap<>(LoginKey.class);
    /** Keys we offered and the initiator has not answered yet. */
    private final EnumSet<LoginKey> offered = EnumSet.noneOf(LoginKey.class);
    private boolean declared;
    private String initiatorAlias;

    OperationalNegotiator(TargetLimits limits, SessionType sessionType, boolean leading) {
        this.limits = limits;
        this.discovery = sessionType == SessionType.DISCOVERY;
        this.leading = leading;
    }

    /** Answers one key the initiator sent; empty when none is due (a declaration, or an answer to our offer). */
    Optional<KeyValue> respond(LoginKey key, String value) {
        return switch (key.rule()) {
            case DECLARATIVE -> declare(key, value);
            case OBSOLETE_MARKER -> Optional.of(new KeyValue(key.keyName(),
                    Values.bool(value).isPresent() ? "No" : Values.REJECT));
            case TARGET_ONLY, FULL_FEATURE_ONLY, OBSOLETE_MARK_INT, SECURITY ->
                    Optional.of(new KeyValue(key.keyName(), Values.REJECT));
            case LIST, MIN, MAX, AND, OR -> negotiate(key, value);
        };
    }

    /**
     * Keys we send unasked, once, in our first operational-stage response: our own
     * MaxRecvDataSegmentLength, then offers for keys the initiator left at a default we cannot accept.
     */
    List<KeyValue> targetKeys() {
        if (declared) {
            return List.of();
        }
        declared = true;
        List<KeyValue> keys = new ArrayList<>();
        keys.add(new KeyValue(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.keyName(),
                Integer.toString(limits.maxRecvDataSegmentLength())));
        for (LoginKey key : offersDue()) {
            offered.add(key);
            keys.add(new KeyValue(key.keyName(), ours(key)));
        }
        return keys;
    }

    /** True if skipping the operational stage would leave a value other than what we need. */
    boolean needsOperationalStage() {
        return !declared && (limits.maxRecvDataSegmentLength()
                != Long.parseLong(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.defaultValue()) || !offersDue().isEmpty());
    }

    /** True while an offer of ours is unanswered: the target must not leave the stage yet. */
    boolean awaitingAnswers() {
        return !offered.isEmpty();
    }

    /** A contradiction among the initiator's values that makes the session unusable, if any. */
    Optional<String> inconsistency() {
        if (number(LoginKey.FIRST_BURST_LENGTH) > number(LoginKey.MAX_BURST_LENGTH)) {
            return Optional.of("FirstBurstLength exceeds MaxBurstLength");
        }
        return Optional.empty();
    }

    /** The value in force for a key: negotiated, else the RFC default. */
    String value(LoginKey key) {
        return agreed.getOrDefault(key, key.defaultValue());
    }

    long number(LoginKey key) {
        return Values.number(value(key)).orElseThrow();
    }

    boolean flag(LoginKey key) {
        return value(key).equals("Yes");
    }

    Optional<String> initiatorAlias() {
        return Optional.ofNullable(initiatorAlias);
    }

    int targetMaxRecvDataSegmentLength() {
        return limits.maxRecvDataSegmentLength();
    }

    private Optional<KeyValue> declare(LoginKey key, String value) {
        if (key == LoginKey.INITIATOR_ALIAS) {
            initiatorAlias = value;
            return Optional.empty();
        }
        if (key == LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH) {
            OptionalLong n = Values.number(value);
            if (n.isEmpty() || n.getAsLong() < key.min() || n.getAsLong() > key.max()) {
                return Optional.of(new KeyValue(key.keyName(), Values.REJECT));
            }
            agreed.put(key, Long.toString(n.getAsLong()));
            return Optional.empty();
        }
        // Names and SessionType belong to the first request and are taken by LoginNegotiation.
        return Optional.of(new KeyValue(key.keyName(), Values.REJECT));
    }

    private Optional<KeyValue> negotiate(LoginKey key, String value) {
        if (discovery && key.irrelevantInDiscovery()) {
            return Optional.of(new KeyValue(key.keyName(), Values.IRRELEVANT));
        }
        if (!leading && key.leadingOnly()) {
            return Optional.of(new KeyValue(key.keyName(), Values.REJECT));
        }
        Optional<String> result = combine(key, value, ours(key));
        if (key == LoginKey.FIRST_BURST_LENGTH && result.isPresent()) {
            // FirstBurstLength MUST NOT exceed MaxBurstLength (RFC 7143 §13.14).
            result = Optional.of(Long.toString(Math.min(Long.parseLong(result.get()),
                    number(LoginKey.MAX_BURST_LENGTH))));
        }
        if (offered.remove(key)) {
            // The initiator answered our offer: take the result, say nothing more.
            result.ifPresent(r -> agreed.put(key, r));
            return Optional.empty();
        }
        result.ifPresent(r -> agreed.put(key, r));
        return Optional.of(new KeyValue(key.keyName(), result.orElse(Values.REJECT)));
    }

    /** The result of a rule for the initiator's value and ours; empty if theirs is invalid. */
    private Optional<String> combine(LoginKey key, String theirs, String ours) {
        switch (key.rule()) {
            case LIST -> {
                List<String> supported = supported(key);
                for (String v : theirs.split(",", -1)) {
                    if (supported.contains(v)) {
                        return Optional.of(v);
                    }
                }
                return Optional.empty();
            }
            case MIN, MAX -> {
                OptionalLong n = Values.number(theirs);
                if (n.isEmpty() || n.getAsLong() < key.min() || n.getAsLong() > key.max()) {
                    return Optional.empty();
                }
                long o = Long.parseLong(ours);
                long r = key.rule() == LoginKey.Rule.MIN ? Math.min(n.getAsLong(), o) : Math.max(n.getAsLong(), o);
                return Optional.of(Long.toString(r));
            }
            case AND, OR -> {
                Optional<Boolean> b = Values.bool(theirs);
                boolean o = ours.equals("Yes");
                return b.map(v -> Values.bool(key.rule() == LoginKey.Rule.AND ? v && o : v || o));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private List<LoginKey> offersDue() {
        List<LoginKey> due = new ArrayList<>();
        for (LoginKey key : LoginKey.values()) {
            boolean negotiable = switch (key.rule()) {
                case MIN, MAX, AND, OR -> true;
                default -> false;
            };
            if (!negotiable || agreed.containsKey(key) || (discovery && key.irrelevantInDiscovery())
                    || (!leading && key.leadingOnly())) {
                continue;
            }
            String withDefault = combine(key, key.defaultValue(), ours(key)).orElseThrow();
            if (!withDefault.equals(key.defaultValue())) {
                due.add(key);
            }
        }
        return due;
    }

    private List<String> supported(LoginKey key) {
        return switch (key) {
            case HEADER_DIGEST -> limits.headerDigests();
            case DATA_DIGEST -> limits.dataDigests();
            case TASK_REPORTING -> List.of("RFC3720");
            default -> List.of();
        };
    }

    /** Our side of each negotiated key, from the configured limits. */
    private String ours(LoginKey key) {
        return switch (key) {
            case MAX_CONNECTIONS -> Integer.toString(limits.maxConnections());
            case INITIAL_R2T -> Values.bool(limits.initialR2T());
            case IMMEDIATE_DATA -> Values.bool(limits.immediateData());
            case MAX_BURST_LENGTH -> Integer.toString(limits.maxBurstLength());
            case FIRST_BURST_LENGTH -> Integer.toString(limits.firstBurstLength());
            case DEFAULT_TIME_2_WAIT -> Integer.toString(limits.defaultTime2Wait());
            case DEFAULT_TIME_2_RETAIN -> Integer.toString(limits.defaultTime2Retain());
            case MAX_OUTSTANDING_R2T -> Integer.toString(limits.maxOutstandingR2T());
            case DATA_PDU_IN_ORDER -> Values.bool(limits.dataPduInOrder());
            case DATA_SEQUENCE_IN_ORDER -> Values.bool(limits.dataSequenceInOrder());
            case ERROR_RECOVERY_LEVEL -> Integer.toString(limits.errorRecoveryLevel());
            // RFC 7144 §8.1: level 1 is RFC 7143 alone, what this target implements.
            case ISCSI_PROTOCOL_LEVEL -> "1";
            default -> key.defaultValue();
        };
    }
}
