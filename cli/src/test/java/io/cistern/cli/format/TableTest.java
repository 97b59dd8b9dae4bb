package io.cistern.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.format.Table.Column;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    /** Seed 001, after zfs snapshot test/test@test: zfs list -o space,refer,written -t all -r test. */
    private static final String SEED = """
            NAME            AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
            test            29.0M   851M         0     23K              0       851M    23K      23K
            test/test        429M   850M         0    450M           400M          0   450M        0
            test/test@test      -      0         -       -              -          -   450M     450M
            """;

    private static final List<Column> SPACE_REFER_WRITTEN = List.of(Column.left("NAME"),
            new Column("AVAIL", true, 5), new Column("USED", true, 5), new Column("USEDSNAP", true, 5),
            new Column("USEDDS", true, 5), new Column("USEDREFRESERV", true, 5), new Column("USEDCHILD", true, 5),
            new Column("REFER", true, 5), new Column("WRITTEN", true, 5));

    @Test
    void padsColumnsExactlyAsZfsListDoesInSeed001() {
        List<List<String>> rows = SEED.lines().skip(1).map(l -> Arrays.asList(l.trim().split(" +"))).toList();
        assertEquals(SEED, Table.render(SPACE_REFER_WRITTEN, rows, false));
    }

    @Test
    void scriptedModeIsTabSeparatedWithoutHeader() {
        List<List<String>> rows = List.of(List.of("test/volume", "414M", "880M"));
        assertEquals("test/volume\t414M\t880M\n",
                Table.render(List.of(Column.left("NAME"), Column.right("USED"), Column.right("AVAIL")), rows, true));
    }

    @Test
    void leftAlignedLastColumnIsNotPaddedAndNarrowNumbersTakeFiveColumns() {
        List<Column> columns = List.of(Column.left("NAME"), new Column("CAP", true, 5), Column.left("HEALTH"));
        assertEquals("NAME    CAP  HEALTH\ntank    12%  ONLINE\nt        0%  FAULTED\n",
                Table.render(columns, List.of(List.of("tank", "12%", "ONLINE"), List.of("t", "0%", "FAULTED")), false));
    }
}
