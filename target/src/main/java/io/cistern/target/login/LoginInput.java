package io.cistern.target.login;

import java.util.Objects;

/**
 * The fields of one Login Request PDU that login negotiation needs (RFC 7143 §11.12), raw from
 * the wire: stage codes are the 2-bit CSG/NSG fields, {@code data} the data segment without padding.
 */
public record LoginInput(int csg, int nsg, boolean transit, boolean continueFlag, long isid, int tsih, int cid,
                         int versionMax, int versionMin, byte[] data) {
    public LoginInput {
        Objects.requireNonNull(data, "data");
    }
}
