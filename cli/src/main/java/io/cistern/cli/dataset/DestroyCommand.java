package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import java.util.List;

/** {@code cistern destroy}: a volume or snapshot; with -r also its snapshots (the API refuses otherwise). */
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
        context.api().delete("/datasets/" + ApiClient.path(name) + (options.has('r') ? "?recursive=true" : ""));
        return 0;
    }
}
