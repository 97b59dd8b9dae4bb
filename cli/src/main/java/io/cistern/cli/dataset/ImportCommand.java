package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.cli.CliException;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.Operations;
import io.cistern.cli.UsageException;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.NiceNum;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cistern import}: a new volume holding a raw disk image that lies on the appliance host, sized
 * to it and sparse unless -R. The daemon copies it in the background; the command waits (printing the
 * progress on a terminal), so that the volume is complete when it returns.
 */
public final class ImportCommand implements Command {
    @Override
    public String usage() {
        return "import [-R] [-b blocksize] [-o property=value]... file volume";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "Rb:o:");
        List<String> operands = options.operands(2, 2);
        String name = Names.volume(operands.get(1));
        ObjectNode properties = CreateCommand.properties(options);
        if (properties.has("volsize")) {
            throw new UsageException("property 'volsize' cannot be set: the volume takes the image's size");
        }
        ObjectNode body = Json.object();
        body.put("name", name);
        // the daemon reads the file; on its own box (the usual case) a relative name means this directory
        body.put("image", Path.of(operands.get(0)).toAbsolutePath().normalize().toString());
        body.put("sparse", !options.has('R'));
        body.set("properties", properties);
        JsonNode copying = context.api().post("/datasets", body);
        JsonNode done = Operations.await(copying, context, progress -> {
            if (context.terminal()) {
                context.out().println(name + ": importing " + progress);
            }
        });
        if (done.path("state").asText().equals("failed")) {
            throw new CliException(done.path("error").asText("the import failed"));
        }
        if (context.terminal()) {
            context.out().println(name + ": imported " + NiceNum.bytes(done.path("result").path("bytes").asLong()));
        }
        return 0;
    }
}
