package io.cistern.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.cli.UsageException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NiceNumTest {
    private static final long K = 1024;
    private static final long M = K * K;
    private static final long G = M * K;

    @ParameterizedTest
    @CsvSource({
        "0, 0B", "1, 1B", "1023, 1023B", "1024, 1K", "1025, 1.00K",
        // 1048575 is 1023.999K: "%.2f" and "%.1f" overflow 5 characters, "%.0f" rounds up.
        "1048575, 1024K", "1048576, 1M", "10239, 10.0K", "80384, 78.5K", "106496, 104K",
        // 1.125K: printf rounds the exact binary value half to even.
        "1152, 1.12K", "1177, 1.15K", "419430400, 400M", "11010048, 10.5M",
        "5626407731, 5.24G", "16106127361, 15.0G", "16106127360, 15G", "9223372036854775807, 8.00E"})
    void formatsLikeZfsNicebytes(long bytes, String text) {
        assertEquals(text, NiceNum.bytes(bytes));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0", "1023, 1023", "1024, 1024", "1048575, 1048575", "400M, 419430400", "400m, 419430400",
        "1.5G, 1610612736", "1.5g, 1610612736", "1.50GB, 1610612736", "1536MB, 1610612736", "1536M, 1610612736",
        "10G, 10737418240", "8K, 8192", "8k, 8192", "512B, 512", ".5K, 512", "7E, 8070450532247928832"})
    void parsesLikeZfsNicestrtonum(String text, long bytes) {
        assertEquals(bytes, NiceNum.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "1.5", "10X", "G", "1GG", "1 G", "8E", "9E", "99999999999999999999"})
    void rejectsWhatIsNotASize(String text) {
        UsageException e = assertThrows(UsageException.class, () -> NiceNum.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void roundTripsExactMultiplesAndStaysWithinHalfAPercentOtherwise() {
        for (long n : new long[] {0, 1, 1023, 1024, 1048576, 400 * M, 15 * G, 3L << 50}) {
            assertEquals(n, NiceNum.parse(NiceNum.bytes(n)), () -> "round trip of " + n);
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long n = random.nextLong(1, 1L << random.nextInt(1, 62));
            long back = NiceNum.parse(NiceNum.bytes(n));
            assertTrue(NiceNum.bytes(n).length() <= 5, () -> NiceNum.bytes(n) + " is longer than 5");
            assertTrue(Math.abs(back - n) <= n / 200, () -> n + " -> " + NiceNum.bytes(n) + " -> " + back);
        }
    }
}
