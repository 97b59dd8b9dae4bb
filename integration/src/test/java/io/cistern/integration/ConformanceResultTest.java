package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results.tsv contract between scripts/conformance.sh and {@link ConformanceResult}. */
class ConformanceResultTest {
    @Test
    void countsEachOutcome(@TempDir Path dir) throws IOException {
        Path tsv = Files.writeString(dir.resolve("results.tsv"), String.join("\n",
                "ALL.Read10.Simple\tpassed",
                "ALL.Read10.BeyondEol\tpassed\t",
                "ALL.CompareAndWrite.Simple\tskipped\tCOMPAREANDWRITE is not implemented.",
                "ALL.GetLBAStatus.BeyondEol\tfailed\tGET_LBA_STATUS successful but should have failed",
                "ALL.iSCSITMF.LUNReset\tfailed\ttimed out", ""));
        ConformanceResult r = ConformanceResult.read(tsv, dir.resolve("summary.md"));
        assertEquals(2, r.passed());
        assertEquals(1, r.skipped());
        assertEquals(2, r.failed());
        assertEquals(Set.of("ALL.GetLBAStatus.BeyondEol", "ALL.iSCSITMF.LUNReset"), r.failedNames());
        assertEquals("COMPAREANDWRITE is not implemented.",
                r.with(ConformanceResult.Outcome.SKIPPED).get(0).reason());
    }

    @Test
    void rejectsDuplicatesAndUnknownVerdicts(@TempDir Path dir) throws IOException {
        Path dup = Files.writeString(dir.resolve("dup.tsv"), "ALL.A.B\tpassed\nALL.A.B\tfailed\tx\n");
        assertThrows(IOException.class, () -> ConformanceResult.read(dup, dir));
        Path odd = Files.writeString(dir.resolve("odd.tsv"), "ALL.A.B\tmaybe\n");
        assertThrows(IOException.class, () -> ConformanceResult.read(odd, dir));
    }
}
