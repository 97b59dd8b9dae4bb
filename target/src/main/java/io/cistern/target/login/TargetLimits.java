package io.cistern.target.login;

import java.util.List;

/**
 * What this target is willing to negotiate (the responder's side of RFC 7143 §6.2). Values are
 * checked against each key's range at construction, since a bad configuration is a bug, not input.
 *
 * @param headerDigests supported HeaderDigest values ("None", "CRC32C")
 * @param dataDigests supported DataDigest values
 * @param maxRecvDataSegmentLength what we declare we can receive in one PDU
 * @param initialR2T true if we insist on an R2T before unsolicited data (OR rule)
 * @param immediateData false if we refuse immediate data (AND rule)
 * @param dataPduInOrder true if we insist on in-order Data PDUs (OR rule)
 * @param dataSequenceInOrder true if we insist on in-order data sequences (OR rule)
 * @param errorRecoveryLevel highest ERL we implement
 */
public record TargetLimits(
        List<String> headerDigests,
        List<String> dataDigests,
        int maxRecvDataSegmentLength,
        int maxBurstLength,
        int firstBurstLength,
        int maxConnections,
        int maxOutstandingR2T,
        boolean initialR2T,
        boolean immediateData,
        boolean dataPduInOrder,
        boolean dataSequenceInOrder,
        int defaultTime2Wait,
        int defaultTime2Retain,
        int errorRecoveryLevel) {

    public TargetLimits {
        headerDigests = List.copyOf(headerDigests);
        dataDigests = List.copyOf(dataDigests);
        checkChoices(LoginKey.HEADER_DIGEST, headerDigests);
        checkChoices(LoginKey.DATA_DIGEST, dataDigests);
        check(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH, maxRecvDataSegmentLength);
        check(LoginKey.MAX_BURST_LENGTH, maxBurstLength);
        check(LoginKey.FIRST_BURST_LENGTH, firstBurstLength);
        check(LoginKey.MAX_CONNECTIONS, maxConnections);
        check(LoginKey.MAX_OUTSTANDING_R2T, maxOutstandingR2T);
        check(LoginKey.DEFAULT_TIME_2_WAIT, defaultTime2Wait);
        check(LoginKey.DEFAULT_TIME_2_RETAIN, defaultTime2Retain);
        check(LoginKey.ERROR_RECOVERY_LEVEL, errorRecoveryLevel);
        if (firstBurstLength > maxBurstLength) {
            throw new IllegalArgumentException("FirstBurstLength must not exceed MaxBurstLength");
        }
    }

    /** Both digests, 256 KiB segments and bursts, ERL 0, immediate data and unsolicited data allowed. */
    public static TargetLimits defaults() {
        return new TargetLimits(List.of("None", "CRC32C"), List.of("None", "CRC32C"),
                262144, 1048576, 65536, 1, 16, false, true, true, true, 2, 20, 0);
    }

    private static void check(LoginKey key, long value) {
        if (value < key.min() || value > key.max()) {
            throw new IllegalArgumentException(key.keyName() + " out of range: " + value);
        }
    }

    private static void checkChoices(LoginKey key, List<String> values) {
        if (values.isEmpty() || !key.choices().containsAll(values)) {
            throw new IllegalArgumentException(key.keyName() + " must be some of " + key.choices());
        }
    }
}
