package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.CliException;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.Operations;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.format.NiceNum;
import java.util.List;

/**
 * {@code cistern destroy}: a volume or snapshot; with -r also its snapshots (the API refuses otherwise).
 * The name goes at once; a volume's space is freed in the background, and the command waits for that
 * (printing the progress on a terminal), so that a script finds the space free when it returns.
 */
public final class DestroyCommand implements Command {
    @Override
    public String usage() {
        return "destroy [-r] volume|snapshot";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "r");
        String name = options.operands(1, 1).get(0);
        if (name.contains("@")) {
            Names.snapshot(name);
        } else {
            Names.volume(name);
        }
        JsonNode freeing = context.api().delete("/datasets/" + ApiClient.path(name) + (options.has('r') ? "?recursive=true" : ""));
        if (freeing.isMissingNode()) {
            return 0; // 204: nothing was left to free
        }
        JsonNode done = Operations.await(freeing, context, progress -> {
            if (context.terminal()) {
                context.out().println(name + ": freeing " + progress);
            }
        });
        if (done.path("state").asText().equals("failed")) {
            throw new CliException(name + " is destroyed, but freeing its space stopped: "
                    + done.path("error").asText("unknown error"));
        }
        if (context.terminal()) {
            context.out().println(name + ": freed " + NiceNum.bytes(done.path("result").path("freed").asLong()));
        }
        return 0;
    }
}
