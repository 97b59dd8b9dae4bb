package io.cistern.cli.iscsi;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.Dates;
import io.cistern.cli.format.Table;
import io.cistern.cli.format.Table.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** {@code cistern session list}: the logged-in initiators, what they see and since when. */
public final class SessionListCommand implements Command {
    private static final List<Column> COLUMNS = List.of(Column.left("INITIATOR"), Column.left("ADDRESS"),
            Column.left("TARGET"), Column.left("LUNS"), Column.right("SINCE"));

    @Override
    public String usage() {
        return "session list [-Hp]";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "Hp");
        options.operands(0, 0);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode session : context.api().get("/sessions")) {
            String luns = String.join(",", StreamSupport.stream(session.path("luns").spliterator(), false)
                    .map(JsonNode::asText).toList());
            JsonNode since = session.path("since");
            String sinceText = !(since.isTextual() || since.isNumber()) ? "-"
                    : options.has('p') ? since.asText() : Dates.creation(Json.instant(since), context.clock().getZone());
            rows.add(List.of(session.path("initiator").asText(), session.path("address").asText(),
                    session.path("target").asText(), luns.isEmpty() ? "-" : luns, sinceText));
        }
        if (rows.isEmpty() && !options.has('H')) {
            context.err().println("no sessions");
            return 0;
        }
        context.out().print(Table.render(COLUMNS, rows, options.has('H')));
        return 0;
    }
}
