package io.cistern.target.login;

import java.util.List;
import java.util.Optional;

/**
 * The content of the Login Response to send for one Login Request. Version-max and Version-active
 * are always 0x00. On failure the connection is closed after sending (RFC 7143 §11.13.5).
 *
 * @param csg the CSG field to send (the request's)
 * @param nsg the NSG field to send; meaningful only when {@code transit}
 * @param parameters present once the target has transited to full feature phase
 * @param reason why the login failed, for logs only; empty on success
 */
public record LoginOutcome(LoginStatus status, boolean transit, int csg, int nsg, List<KeyValue> keys,
                           Optional<SessionParameters> parameters, String reason) {
    public LoginOutcome {
        keys = List.copyOf(keys);
    }

    static LoginOutcome failure(LoginStatus status, int csg, String reason) {
        return new LoginOutcome(status, false, csg, 0, List.of(), Optional.empty(), reason);
    }

    /** The data segment of the response. */
    public byte[] data() {
        return TextCodec.encode(keys);
    }

    public boolean failed() {
        return status != LoginStatus.SUCCESS;
    }

    /** True when login succeeded and the connection is now in full feature phase. */
    public boolean complete() {
        return parameters.isPresent();
    }
}
