package io.cistern.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import java.util.List;

/**
 * {@code cistern reload}: the daemon reads its configuration file again and applies the difference, as
 * on SIGHUP; prints what changed. An invalid file is refused with every problem and changes nothing.
 */
public final class ReloadCommand implements Command {
    @Override
    public String usage() {
        return "reload";
    }

    @Override
    public int run(List<String> args, Context context) {
        new Getopt(args, "").operands(0, 0);
        JsonNode changes = context.api().post("/reload", null).path("changes");
        if (changes.isEmpty()) {
            context.err().println("no changes");
        }
        changes.forEach(c -> context.out().println(c.asText()));
        return 0;
    }
}
