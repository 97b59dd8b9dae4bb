package io.cistern.target.scsi;

/**
 * An I_T nexus: one initiator port talking to one target port (for iSCSI, one session). Unit
 * attentions and reservations are kept per nexus.
 *
 * @param initiatorPort  SCSI initiator port name, e.g. {@code iqn.1994-05.com.redhat:x,i,0x23d000000001}
 * @param initiatorName  the initiator's iSCSI name alone (for ACLs and LUN masking)
 * @param targetPort     SCSI target port name, e.g. {@code iqn.2026-11.io.cistern:disk,t,0x0001}
 * @param relativeTargetPort relative target port identifier (the portal group tag), for VPD 0x83
 */
public record ItNexus(String initiatorPort, String initiatorName, String targetPort, int relativeTargetPort) {
}
