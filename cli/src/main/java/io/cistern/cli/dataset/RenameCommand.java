package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Json;
import java.util.List;

/** {@code cistern rename}: a volume to another volume name, a snapshot to another snapshot name. */
public final class RenameCommand implements Command {
    @Override
    public String usage() {
        return "rename volume|snapshot volume|snapshot";
    }

    @Override
    public int run(List<String> args, Context context) {
        List<String> operands = new Getopt(args, "").operands(2, 2);
        String from = operands.get(0);
        String to = operands.get(1);
        if (from.contains("@")) {
            Names.snapshot(from);
            Names.snapshot(to);
        } else {
            Names.volume(from);
            Names.volume(to);
        }
        context.api().post("/datasets/" + ApiClient.path(from) + "/rename", Json.object().put("name", to));
        return 0;
    }
}
