package io.cistern.target.login;

import java.util.Optional;

/**
 * The outcome of a successful login: everything the session layer needs, immutable.
 *
 * @param initiatorMaxRecvDataSegmentLength the most data we may put in one PDU we send
 * @param targetMaxRecvDataSegmentLength the most data the initiator may put in one PDU to us
 * @param targetName empty for a Discovery session
 * @param targetPortalGroupTag the TPGT we declared; 0 for a Discovery session
 */
public record SessionParameters(
        SessionType sessionType,
        String initiatorName,
        Optional<String> initiatorAlias,
        Optional<String> targetName,
        Optional<String> targetAlias,
        int targetPortalGroupTag,
        long isid,
        int tsih,
        int cid,
        boolean headerDigest,
        boolean dataDigest,
        int initiatorMaxRecvDataSegmentLength,
        int targetMaxRecvDataSegmentLength,
        int maxBurstLength,
        int firstBurstLength,
        boolean initialR2T,
        boolean immediateData,
        int maxOutstandingR2T,
        int maxConnections,
        boolean dataPduInOrder,
        boolean dataSequenceInOrder,
        int errorRecoveryLevel,
        int defaultTime2Wait,
        int defaultTime2Retain) {
}
