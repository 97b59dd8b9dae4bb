package io.cistern.target.login;

import java.util.List;

/** What decoding (or accumulating) iSCSI text yields: the pairs, a reason they are malformed, or "more to come". */
public sealed interface TextResult {

    /** The pairs in the order they were sent. */
    record Keys(List<KeyValue> pairs) implements TextResult {
        public Keys {
            pairs = List.copyOf(pairs);
        }
    }

    /** The text breaks RFC 7143 §6.1; {@code reason} is for logs, not for the wire. */
    record Malformed(String reason) implements TextResult {}

    /** Only from {@link TextAccumulator}: the C bit was set, the text continues in the next PDU. */
    record Incomplete() implements TextResult {}
}
