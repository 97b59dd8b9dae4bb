package io.cistern.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.format.NiceNum;
import io.cistern.cli.format.Table;
import io.cistern.cli.format.Table.Column;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** {@code cistern pool list}, as zpool list: NAME SIZE ALLOC FREE CAP DEDUP HEALTH. */
public final class PoolListCommand implements Command {
    /** zpool's widths: 5 for numbers ("20.4M"), 8 for HEALTH ("DEGRADED"), right-aligned. */
    private static final List<Column> COLUMNS = List.of(Column.left("NAME"), new Column("SIZE", true, 5),
            new Column("ALLOC", true, 5), new Column("FREE", true, 5), new Column("CAP", true, 5),
            new Column("DEDUP", true, 5), new Column("HEALTH", true, 8));

    @Override
    public String usage() {
        return "pool list [-Hp] [pool]...";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "Hp");
        boolean literal = options.has('p');
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode pool : Pools.fetch(context.api(), options.operands())) {
            rows.add(List.of(pool.path("name").asText(), size(pool.path("size"), literal),
                    size(pool.path("alloc"), literal), size(pool.path("free"), literal),
                    pool.path("cap").asText() + (literal ? "" : "%"),
                    pool.path("dedupratio").decimalValue().setScale(2, RoundingMode.HALF_EVEN) + (literal ? "" : "x"),
                    pool.path("health").asText()));
        }
        if (rows.isEmpty() && !options.has('H')) {
            context.err().println("no pools available");
            return 0;
        }
        context.out().print(Table.render(COLUMNS, rows, options.has('H')));
        return 0;
    }

    private static String size(JsonNode bytes, boolean literal) {
        return literal ? bytes.asText() : NiceNum.bytes(bytes.asLong());
    }

    /** The pools named, or all of them. */
    static final class Pools {
        private Pools() {
        }

        static List<JsonNode> fetch(ApiClient api, List<String> names) {
            List<JsonNode> pools = new ArrayList<>();
            if (names.isEmpty()) {
                api.get("/pools").forEach(pools::add);
            }
            for (String name : names) {
                pools.add(api.get("/pools/" + ApiClient.path(name)));
            }
            return pools;
        }
    }
}
