package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Json;
import java.util.List;

/** {@code cistern snapshot}, as zfs snapshot: one or more volume@snapname. */
public final class SnapshotCommand implements Command {
    @Override
    public String usage() {
        return "snapshot volume@snapname...";
    }

    @Override
    public int run(List<String> args, Context context) {
        List<String> names = new Getopt(args, "").operands(1, Integer.MAX_VALUE);
        names.forEach(Names::snapshot);
        for (String name : names) {
            int at = name.indexOf('@');
            context.api().post("/datasets/" + ApiClient.path(name.substring(0, at)) + "/snapshots",
                    Json.object().put("snapshot", name.substring(at + 1)));
        }
        return 0;
    }
}
