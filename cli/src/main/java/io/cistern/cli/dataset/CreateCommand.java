package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.UsageException;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.NiceNum;
import java.util.ArrayList;
import java.util.List;

/** {@code cistern create}, as zfs create -V: Cistern's datasets are volumes, so -V is required. */
public final class CreateCommand implements Command {
    @Override
    public String usage() {
        return "create [-s] -V size [-b blocksize] [-o property=value]... volume";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "sV:b:o:");
        String name = Names.volume(options.operands(1, 1).get(0));
        if (!options.has('V')) {
            throw new UsageException("missing volume size (-V size)");
        }
        ObjectNode properties = properties(options);
        if (properties.has("volsize")) {
            throw new UsageException("property 'volsize' specified multiple times (it is -V)");
        }
        ObjectNode body = Json.object();
        body.put("name", name);
        body.put("volsize", NiceNum.parse(options.value('V')));
        body.put("sparse", options.has('s'));
        body.set("properties", properties);
        context.api().post("/datasets", body);
        return 0;
    }

    /** The properties of -o property=value and -b blocksize, typed for the API. */
    static ObjectNode properties(Getopt options) {
        List<String> assignments = new ArrayList<>(options.values('o'));
        if (options.has('b')) {
            assignments.add("volblocksize=" + options.value('b'));
        }
        return SetCommand.assignments(assignments);
    }
}
