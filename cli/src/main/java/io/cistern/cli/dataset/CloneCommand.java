package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Json;
import java.util.List;

/** {@code cistern clone}: a writable volume from a snapshot, thin with -s. */
public final class CloneCommand implements Command {
    @Override
    public String usage() {
        return "clone [-s] snapshot volume";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "s");
        List<String> operands = options.operands(2, 2);
        String snapshot = Names.snapshot(operands.get(0));
        String volume = Names.volume(operands.get(1));
        context.api().post("/datasets/" + ApiClient.path(snapshot) + "/clone",
                Json.object().put("name", volume).put("sparse", options.has('s')));
        return 0;
    }
}
