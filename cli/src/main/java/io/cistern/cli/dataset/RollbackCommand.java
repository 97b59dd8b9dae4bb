package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.api.ApiClient;
import java.util.List;

/** {@code cistern rollback}: the volume back to its snapshot's contents. */
public final class RollbackCommand implements Command {
    @Override
    public String usage() {
        return "rollback snapshot";
    }

    @Override
    public int run(List<String> args, Context context) {
        String snapshot = Names.snapshot(new Getopt(args, "").operands(1, 1).get(0));
        context.api().post("/datasets/" + ApiClient.path(snapshot) + "/rollback", null);
        return 0;
    }
}
