package io.cistern.target.login;

import java.util.List;

/** What one security-stage exchange of CHAP produced. */
sealed interface AuthOutcome {
    /** More round trips needed; send {@code reply}. */
    record InProgress(List<KeyValue> reply) implements AuthOutcome {}

    /** The initiator proved itself; send {@code reply} (our mutual CHAP answer, possibly empty). */
    record Authenticated(List<KeyValue> reply) implements AuthOutcome {}

    /** Login must fail with {@code status}; {@code reason} is for logs. */
    record Failed(LoginStatus status, String reason) implements AuthOutcome {}
}
