package io.cistern.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import java.util.ArrayList;
import java.util.List;

/** {@code cistern pool status}, as zpool status: pool, state, scan (with scrub progress), errors; the dedup table as with -D. */
public final class PoolStatusCommand implements Command {
    @Override
    public String usage() {
        return "pool status [pool]...";
    }

    @Override
    public int run(List<String> args, Context context) {
        List<String> names = new ArrayList<>(new Getopt(args, "").operands());
        if (names.isEmpty()) {
            context.api().get("/pools").forEach(p -> names.add(p.path("name").asText()));
        }
        if (names.isEmpty()) {
            context.out().println("no pools available");
            return 0;
        }
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            JsonNode pool = context.api().get("/pools/" + ApiClient.path(name));
            if (out.length() > 0) {
                out.append('\n');
            }
            JsonNode scrub = pool.path("scrub");
            out.append("  pool: ").append(pool.path("name").asText()).append('\n')
                    .append(" state: ").append(pool.path("health").asText()).append('\n')
                    .append("  scan: ").append(ScanText.of(scrub, context.clock().instant(), context.clock().getZone()))
                    .append('\n')
                    .append("errors: ").append(ScanText.errors(scrub)).append('\n');
            JsonNode ddt = pool.path("dedup");
            if (ddt.path("entries").asLong() > 0) { // as zpool status -D
                out.append("\n dedup: DDT entries ").append(ddt.path("entries").asLong()).append(", size ")
                        .append(ddt.path("diskBytesPerEntry").asLong()).append(" on disk, ")
                        .append(ddt.path("coreBytesPerEntry").asLong()).append(" in core\n");
            }
        }
        context.out().print(out);
        return 0;
    }
}
