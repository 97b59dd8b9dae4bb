package io.cistern.target.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers the SendTargets key of a Text Request (RFC 7143 §12.3 and Appendix C): for each target
 * reported, TargetName then one TargetAddress per portal.
 */
public final class SendTargetsResponder {
    private SendTargetsResponder() {}

    /**
     * @param value the SendTargets value: "All", an iSCSI target name, or empty
     * @param sessionType the session the Text Request arrived on
     * @param sessionTarget the target of a Normal session; empty for Discovery
     * @param visible the targets this initiator may see (for a Normal session, at least its own)
     * @return the key=value pairs of the Text Response, possibly none
     */
    public static List<KeyValue> respond(String value, SessionType sessionType, Optional<String> sessionTarget,
                                         List<TargetInfo> visible) {
        List<KeyValue> out = new ArrayList<>();
        if (sessionType == SessionType.DISCOVERY) {
            for (TargetInfo t : visible) {
                // An empty value asks about the session's own target, which a discovery session has not.
                if (value.equals("All") || t.name().equals(value)) {
                    describe(t, out);
                }
            }
            return out;
        }
        if (value.equals("All")) {
            // "All" is for discovery sessions only.
            return List.of(new KeyValue(LoginKey.SEND_TARGETS.keyName(), Values.REJECT));
        }
        // A Normal session may learn about its own target only.
        String wanted = value.isEmpty() ? sessionTarget.orElse("") : value;
        if (sessionTarget.isPresent() && sessionTarget.get().equals(wanted)) {
            visible.stream().filter(t -> t.name().equals(wanted)).findFirst().ifPresent(t -> describe(t, out));
        }
        return out;
    }

    private static void describe(TargetInfo target, List<KeyValue> out) {
        out.add(new KeyValue(LoginKey.TARGET_NAME.keyName(), target.name()));
        for (Portal p : target.portals()) {
            out.add(new KeyValue(LoginKey.TARGET_ADDRESS.keyName(), p.targetAddress()));
        }
    }
}
