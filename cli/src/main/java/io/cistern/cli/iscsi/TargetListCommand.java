package io.cistern.cli.iscsi;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.format.NiceNum;
import io.cistern.cli.format.Table;
import io.cistern.cli.format.Table.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * {@code cistern target list}: one row per LUN of each target (a target without LUNs gets one row
 * with "-"), so that {@code -H} output can be read line by line by scripts.
 */
public final class TargetListCommand implements Command {
    private static final List<Column> COLUMNS = List.of(Column.left("TARGET"), Column.left("ALIAS"),
            Column.left("PORTALS"), Column.left("CHAP"), Column.right("LUN"), Column.left("BACKING"),
            new Column("SIZE", true, 5));

    @Override
    public String usage() {
        return "target list [-Hp]";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "Hp");
        options.operands(0, 0);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode target : context.api().get("/targets")) {
            String alias = target.path("alias").isTextual() && !target.path("alias").asText().isEmpty()
                    ? target.path("alias").asText() : "-";
            String portals = String.join(",", StreamSupport.stream(target.path("portals").spliterator(), false)
                    .map(JsonNode::asText).toList());
            List<String> head = List.of(target.path("iqn").asText(), alias, portals.isEmpty() ? "-" : portals,
                    target.path("chap").asBoolean() ? "on" : "off");
            if (target.path("luns").isEmpty()) {
                rows.add(concat(head, List.of("-", "-", "-")));
            }
            for (JsonNode lun : target.path("luns")) {
                JsonNode size = lun.path("size");
                String sizeText = !size.isNumber() ? "-" : options.has('p') ? size.asText() : NiceNum.bytes(size.asLong());
                rows.add(concat(head, List.of(lun.path("lun").asText(), lun.path("backing").asText("-"), sizeText)));
            }
        }
        if (rows.isEmpty() && !options.has('H')) {
            context.err().println("no targets configured");
            return 0;
        }
        context.out().print(Table.render(COLUMNS, rows, options.has('H')));
        return 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
