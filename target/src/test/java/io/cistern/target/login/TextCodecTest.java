package io.cistern.target.login;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextCodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<KeyValue> keys(TextResult r) {
        return assertInstanceOf(TextResult.Keys.class, r).pairs();
    }

    private static String malformed(String text) {
        return assertInstanceOf(TextResult.Malformed.class, TextCodec.decode(bytes(text))).reason();
    }

    @Test
    void decodesPairsInOrder() {
        List<KeyValue> pairs = keys(TextCodec.decode(bytes("InitiatorName=iqn.a\0HeaderDigest=CRC32C,None\0X-a=b=c\0")));
        assertEquals(List.of(new KeyValue("InitiatorName", "iqn.a"), new KeyValue("HeaderDigest", "CRC32C,None"),
                new KeyValue("X-a", "b=c")), pairs);
    }

    @Test
    void encodeIsTheInverseOfDecode() {
        List<KeyValue> pairs = List.of(new KeyValue("TargetAlias", "dépôt"), new KeyValue("MaxBurstLength", "4096"),
                new KeyValue("Empty", ""));
        byte[] data = TextCodec.encode(pairs);
        assertEquals(0, data[data.length - 1]);
        assertEquals(pairs, keys(TextCodec.decode(data)));
    }

    @Test
    void encodeKeepsRepeatedTargetAddress() {
        byte[] data = TextCodec.encode(List.of(new KeyValue("TargetAddress", "a:1,1"), new KeyValue("TargetAddress", "b:1,1")));
        assertArrayEquals(bytes("TargetAddress=a:1,1\0TargetAddress=b:1,1\0"), data);
    }

    @Test
    void emptyAndZeroPaddedTextAreAccepted() {
        assertEquals(List.of(), keys(TextCodec.decode(new byte[0])));
        assertEquals(List.of(new KeyValue("A", "1")), keys(TextCodec.decode(bytes("A=1\0\0\0"))));
    }

    @Test
    void rejectsMalformedPairs() {
        assertTrue(malformed("NoEquals\0").contains("'='"));
        assertTrue(malformed("=value\0").contains("empty key"));
        assertTrue(malformed("A=1\0\0B=2\0").contains("empty"));
        assertTrue(malformed("A=1").contains("terminated"));
        assertTrue(malformed("Bad Key=1\0").contains("character"));
        assertTrue(malformed("A=1\0A=2\0").contains("twice"));
    }

    @Test
    void keyNameIsLimitedTo63Bytes() {
        String k63 = "K".repeat(63);
        assertEquals(k63, keys(TextCodec.decode(bytes(k63 + "=1\0"))).get(0).key());
        assertTrue(malformed("K".repeat(64) + "=1\0").contains("63"));
    }

    @Test
    void valueIsLimitedTo255BytesExceptChapBinaryValues() {
        assertEquals(255, keys(TextCodec.decode(bytes("A=" + "v".repeat(255) + "\0"))).get(0).value().length());
        assertTrue(malformed("A=" + "v".repeat(256) + "\0").contains("255"));
        String challenge = "0x" + "ab".repeat(1024);
        assertEquals(challenge, keys(TextCodec.decode(bytes("CHAP_C=" + challenge + "\0"))).get(0).value());
        assertTrue(malformed("CHAP_R=" + challenge + "0\0").contains("longer"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] data = {'A', '=', (byte) 0xC3, (byte) 0x28, 0};
        assertTrue(assertInstanceOf(TextResult.Malformed.class, TextCodec.decode(data)).reason().contains("UTF-8"));
    }

    @Test
    void accumulatesAcrossContinuedPdus() {
        TextAccumulator acc = new TextAccumulator();
        assertInstanceOf(TextResult.Incomplete.class, acc.append(bytes("InitiatorName=iq"), true));
        assertTrue(acc.hasPending());
        assertInstanceOf(TextResult.Incomplete.class, acc.append(bytes("n.x\0Sessi"), true));
        List<KeyValue> pairs = keys(acc.append(bytes("onType=Normal\0"), false));
        assertEquals(List.of(new KeyValue("InitiatorName", "iqn.x"), new KeyValue("SessionType", "Normal")), pairs);
        assertFalse(acc.hasPending());
    }

    @Test
    void accumulationIsBounded() {
        TextAccumulator acc = new TextAccumulator(16);
        assertInstanceOf(TextResult.Incomplete.class, acc.append(new byte[10], true));
        assertInstanceOf(TextResult.Malformed.class, acc.append(new byte[7], true));
        assertFalse(acc.hasPending());
        // After the error the accumulator starts afresh.
        assertEquals(List.of(new KeyValue("A", "1")), keys(acc.append(bytes("A=1\0"), false)));
    }

    @Test
    void defaultBoundIs64KiB() {
        TextAccumulator acc = new TextAccumulator();
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(TextResult.Incomplete.class, acc.append(chunk, true));
        }
        assertInstanceOf(TextResult.Malformed.class, acc.append(new byte[1], false));
    }
}
