package io.cistern.thinpool.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompressionTest {
    @Test
    void parsesEveryZfsValue() {
        assertEquals(Compression.OFF, Compression.parse("off"));
        assertEquals(Compression.LZ4, Compression.parse("lz4"));
        assertEquals(Compression.LZ4, Compression.parse("ON"));
        assertEquals(new Compression(Codec.ZSTD, 3), Compression.parse("zstd"));
        for (int level = 1; level <= 19; level++) {
            Compression c = Compression.parse("zstd-" + level);
            assertEquals(level, c.level());
            assertEquals(c, Compression.parse(c.toString()), "canonical value parses back");
        }
        assertEquals("zstd", Compression.parse("zstd-3").toString());
        assertEquals(Compression.LZ4, Compression.DEFAULT);
    }

    @Test
    void rejectsBadValuesNamingTheGoodOnes() {
        for (String bad : new String[] {"", "gzip", "zstd-0", "zstd-20", "zstd-", "zstd-fast", "zstd-03x", "lz4-1", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.parse(bad), "" + bad);
            assertTrue(e.getMessage().contains("zstd-1 ... zstd-19"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Compression(Codec.LZ4, 5));
        assertThrows(IllegalArgumentException.class, () -> new Compression(Codec.ZSTD, 0));
    }
}
