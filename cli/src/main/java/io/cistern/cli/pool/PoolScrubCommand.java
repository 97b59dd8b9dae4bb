package io.cistern.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.CliException;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.Operations;
import io.cistern.cli.api.ApiClient;
import java.util.List;

/**
 * {@code cistern pool scrub}, as zpool scrub: starts a scrub and returns; with -w waits for it,
 * printing its progress and then its result. Unlike zpool, -w exits 1 when the scrub found damage,
 * so that a script (cron, a health check) notices.
 */
public final class PoolScrubCommand implements Command {
    @Override
    public String usage() {
        return "pool scrub [-w] pool...";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "w");
        int status = 0;
        for (String pool : options.operands(1, Integer.MAX_VALUE)) {
            JsonNode operation = context.api().post("/pools/" + ApiClient.path(pool) + "/scrub", null);
            if (options.has('w')) {
                status = Math.max(status, await(pool, operation, context));
            }
        }
        return status;
    }

    private static int await(String pool, JsonNode operation, Context context) {
        operation = Operations.await(operation, context, progress -> context.out().println(pool + ": scrub " + progress));
        if (operation.path("state").asText().equals("failed")) {
            throw new CliException("scrub of " + pool + " failed: " + operation.path("error").asText("unknown error"));
        }
        context.out().println(pool + ": " + ScanText.of(operation, context.clock().instant(), context.clock().getZone()));
        int damaged = operation.path("result").path("damaged").size();
        if (damaged > 0) {
            context.out().println("errors: " + ScanText.errors(operation));
            context.err().println("cistern: scrub of " + pool + " found " + damaged + " damaged block"
                    + (damaged == 1 ? "" : "s"));
            return 1;
        }
        return 0;
    }
}
