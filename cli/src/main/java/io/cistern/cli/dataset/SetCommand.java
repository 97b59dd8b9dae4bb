package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.UsageException;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Json;
import java.util.List;

/** {@code cistern set}, as zfs set: the server decides which properties may change, and how. */
public final class SetCommand implements Command {
    @Override
    public String usage() {
        return "set property=value [property=value]... volume|snapshot...";
    }

    @Override
    public int run(List<String> args, Context context) {
        List<String> operands = new Getopt(args, "").operands(2, Integer.MAX_VALUE);
        int split = 0;
        while (split < operands.size() && operands.get(split).contains("=")) {
            split++;
        }
        if (split == 0) {
            throw new UsageException("missing '=' in property=value argument '" + operands.get(0) + "'");
        }
        if (split == operands.size()) {
            throw new UsageException("missing volume or snapshot name");
        }
        ObjectNode body = Json.object();
        body.set("properties", assignments(operands.subList(0, split)));
        for (String name : operands.subList(split, operands.size())) {
            context.api().patch("/datasets/" + ApiClient.path(name), body);
        }
        return 0;
    }

    /** property=value arguments as the API's properties object, values typed by property. */
    static ObjectNode assignments(List<String> arguments) {
        ObjectNode properties = Json.object();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq < 0) {
                throw new UsageException("missing '=' in property=value argument '" + argument + "'");
            }
            String name = argument.substring(0, eq);
            Property p = Property.find(name).orElseThrow(() -> new UsageException("invalid property '" + name + "'"));
            if (properties.has(p.zfsName())) {
                throw new UsageException("property '" + p.zfsName() + "' specified multiple times");
            }
            JsonNode value = p.kind().parse(p.zfsName(), argument.substring(eq + 1));
            properties.set(p.zfsName(), value);
        }
        return properties;
    }
}
