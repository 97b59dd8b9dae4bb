package io.cistern.cli.format;

import java.util.List;

/**
 * Columns printed as zfs(8) and zpool(8) print them (print_header/print_dataset in zfs_main.c):
 * two spaces between columns, numbers right-aligned, text left-aligned, a left-aligned last column
 * not padded; each column as wide as its header, its minimum and its widest value. Scripted mode
 * ({@code -H}) prints no header and separates the bare values with one tab.
 */
public final class Table {
    /**
     * @param minWidth ZFS's fixed width for the column's kind of value (5 for sizes: "20.4M")
     */
    public record Column(String header, boolean rightAligned, int minWidth) {
        public static Column left(String header) {
            return new Column(header, false, 0);
        }

        public static Column right(String header) {
            return new Column(header, true, 0);
        }
    }

    private Table() {
    }

    public static String render(List<Column> columns, List<List<String>> rows, boolean scripted) {
        StringBuilder out = new StringBuilder();
        if (scripted) {
            for (List<String> row : rows) {
                out.append(String.join("\t", row)).append('\n');
            }
            return out.toString();
        }
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            Column column = columns.get(c);
            widths[c] = Math.max(column.header().length(), column.minWidth());
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        line(out, columns, columns.stream().map(Column::header).toList(), widths);
        for (List<String> row : rows) {
            line(out, columns, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<Column> columns, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                out.append("  ");
            }
            String cell = cells.get(c);
            int pad = widths[c] - cell.length();
            boolean last = c == cells.size() - 1;
            if (columns.get(c).rightAligned()) {
                out.append(" ".repeat(pad)).append(cell);
            } else {
                out.append(cell).append(last ? "" : " ".repeat(pad));
            }
        }
        out.append('\n');
    }
}
