package io.cistern.target.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The iSCSI text format of RFC 7143 §6.1: UTF-8 {@code key=value} pairs, each ended by a zero byte.
 * Decoding never throws; anything off-spec becomes {@link TextResult.Malformed}.
 */
public final class TextCodec {
    /** RFC 7143 §6.1: key names MUST NOT exceed 63 bytes. */
    public static final int MAX_KEY_BYTES = 63;
    /** RFC 7143 §6.1: a simple value is at most 255 bytes. */
    public static final int MAX_VALUE_BYTES = 255;
    /** CHAP_C and CHAP_R carry up to 1024 binary bytes (RFC 7143 §12.1.3): "0x" plus two hex digits each. */
    public static final int MAX_BINARY_VALUE_BYTES = 2 + 2 * 1024;

    private TextCodec() {}

    /**
     * Decodes a complete text (one or more PDUs' data segments joined). Zero bytes after the last
     * pair are tolerated; an empty pair between two is not.
     */
    public static TextResult decode(byte[] data) {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            return new TextResult.Keys(List.of());
        }
        if (end == data.length) {
            return new TextResult.Malformed("last key=value pair is not terminated by a zero byte");
        }
        List<KeyValue> pairs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int start = 0;
        while (start <= end) {
            int nul = indexOfZero(data, start, end + 1);
            TextResult.Malformed problem = decodePair(data, start, nul, pairs);
            if (problem != null) {
                return problem;
            }
            String key = pairs.get(pairs.size() - 1).key();
            if (!seen.add(key)) {
                return new TextResult.Malformed("key " + key + " sent twice");
            }
            start = nul + 1;
        }
        return new TextResult.Keys(pairs);
    }

    /** Encodes pairs in order, each ended by a zero byte. Repeated keys (TargetAddress) are allowed here. */
    public static byte[] encode(List<KeyValue> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (KeyValue kv : pairs) {
            out.writeBytes(kv.key().getBytes(StandardCharsets.UTF_8));
            out.write('=');
            out.writeBytes(kv.value().getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static TextResult.Malformed decodePair(byte[] data, int from, int to, List<KeyValue> pairs) {
        if (from == to) {
            return new TextResult.Malformed("empty key=value pair");
        }
        int eq = -1;
        for (int i = from; i < to; i++) {
            if (data[i] == '=') {
                eq = i;
                break;
            }
        }
        if (eq < 0) {
            return new TextResult.Malformed("pair without '='");
        }
        if (eq == from) {
            return new TextResult.Malformed("empty key name");
        }
        if (eq - from > MAX_KEY_BYTES) {
            return new TextResult.Malformed("key name longer than " + MAX_KEY_BYTES + " bytes");
        }
        String key;
        String value;
        try {
            key = utf8(data, from, eq);
            value = utf8(data, eq + 1, to);
        } catch (CharacterCodingException e) {
            return new TextResult.Malformed("text is not valid UTF-8");
        }
        if (!isKeyName(key)) {
            return new TextResult.Malformed("key name has a character RFC 7143 does not allow: " + key);
        }
        int limit = isBinaryKey(key) ? MAX_BINARY_VALUE_BYTES : MAX_VALUE_BYTES;
        if (to - eq - 1 > limit) {
            return new TextResult.Malformed("value of " + key + " longer than " + limit + " bytes");
        }
        pairs.add(new KeyValue(key, value));
        return null;
    }

    /** RFC 7143 §6.1 key-name: letters, digits, '.', '-', '+', '@', '_' (and '#' of X# extension keys). */
    private static boolean isKeyName(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '+' || c == '@' || c == '_' || c == '#';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBinaryKey(String key) {
        return key.equals("CHAP_C") || key.equals("CHAP_R");
    }

    private static int indexOfZero(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return to;
    }

    private static String utf8(byte[] data, int from, int to) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data, from, to - from))
                .toString();
    }
}
