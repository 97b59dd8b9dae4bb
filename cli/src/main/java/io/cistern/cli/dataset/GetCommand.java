package io.cistern.cli.dataset;

import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.UsageException;
import io.cistern.cli.format.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code cistern get}, as zfs get: one NAME PROPERTY VALUE SOURCE row per dataset and property. */
public final class GetCommand implements Command {
    private static final List<String> FIELDS = List.of("name", "property", "value", "source");

    @Override
    public String usage() {
        return "get [-rHp] [-o field[,field]...] all | property[,property]... [volume|snapshot|pool]...";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "rHpo:");
        List<String> fields = fields(options.has('o') ? options.value('o') : String.join(",", FIELDS));
        List<String> operands = options.operands(1, Integer.MAX_VALUE);
        String requested = operands.get(0);
        List<Property> explicit = requested.equals("all") ? null : PropertyList.parse(requested);
        boolean recursive = options.has('r');
        List<Dataset> datasets = DatasetQuery.fetch(context.api(), operands.subList(1, operands.size()), recursive,
                recursive ? "all" : "volume");

        boolean literal = options.has('p');
        List<List<String>> rows = new ArrayList<>();
        int valueWidth = 0;
        for (Dataset d : datasets) {
            for (String name : explicit == null ? all(d) : explicit.stream().map(Property::zfsName).toList()) {
                Optional<Property> known = Property.find(name);
                Kind kind = known.map(Property::kind).orElse(Kind.TEXT);
                String value = kind.format(d.value(name), literal, context.clock().getZone());
                String[] cells = {d.name(), name, value, d.source(name)};
                rows.add(fields.stream().map(f -> cells[FIELDS.indexOf(f)]).toList());
                // zprop_print_headers: VALUE is as wide as the widest fixed-width property asked for.
                if (kind.minWidth() > 0) {
                    valueWidth = Math.max(valueWidth, Math.max(kind.minWidth(), known.get().column().length()));
                }
            }
        }
        int width = valueWidth;
        List<Table.Column> columns = fields.stream()
                .map(f -> new Table.Column(f.toUpperCase(), false, f.equals("value") ? width : 0)).toList();
        context.out().print(Table.render(columns, rows, options.has('H')));
        return 0;
    }

    /** Every property the API gave, known ones in zfs get all's order, others after them. */
    private static List<String> all(Dataset d) {
        Set<String> given = new LinkedHashSet<>();
        d.propertyNames().forEach(given::add);
        List<String> names = new ArrayList<>();
        for (Property p : Property.values()) {
            if (given.remove(p.zfsName())) {
                names.add(p.zfsName());
            }
        }
        names.addAll(given);
        return names;
    }

    private static List<String> fields(String list) {
        if (list.equals("all")) {
            return FIELDS;
        }
        List<String> fields = Arrays.asList(list.split(",", -1));
        for (String f : fields) {
            if (!FIELDS.contains(f)) {
                throw new UsageException("invalid field '" + f + "': expected name, property, value or source");
            }
        }
        return fields;
    }
}
