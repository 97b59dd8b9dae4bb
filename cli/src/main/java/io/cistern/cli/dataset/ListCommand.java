package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Command;
import io.cistern.cli.Context;
import io.cistern.cli.Getopt;
import io.cistern.cli.UsageException;
import io.cistern.cli.format.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code cistern list}, as zfs list: the default columns are zfs's without MOUNTPOINT, which for a
 * volume is always "-"; snapshots only with {@code -t} (or when named); {@code -s}/{@code -S} sort.
 */
public final class ListCommand implements Command {
    static final String DEFAULT_FIELDS = "name,used,available,referenced";

    @Override
    public String usage() {
        return "list [-rHp] [-o property[,property]...] [-s property]... [-S property]... [-t type[,type]...] "
                + "[volume|snapshot|pool]...";
    }

    @Override
    public int run(List<String> args, Context context) {
        Getopt options = new Getopt(args, "rHpo:s:S:t:");
        List<Property> columns = PropertyList.parse(options.has('o') ? options.value('o') : DEFAULT_FIELDS);
        Set<String> types = options.has('t') ? types(options.value('t')) : Set.of("volume");
        Comparator<Dataset> order = order(options.inOrder("sS"));
        String apiType = types.size() == 2 ? "all" : types.iterator().next();

        List<String> names = options.operands();
        List<Dataset> datasets = new ArrayList<>();
        for (Dataset d : DatasetQuery.fetch(context.api(), names, options.has('r'), apiType)) {
            // A dataset named on the command line is shown whatever its type unless -t says otherwise.
            if (types.contains(d.type()) || !options.has('t') && names.contains(d.name())) {
                datasets.add(d);
            }
        }
        datasets.sort(order);
        if (datasets.isEmpty()) {
            if (!options.has('H')) {
                context.err().println("no datasets available");
            }
            return 0;
        }
        boolean literal = options.has('p');
        List<List<String>> rows = new ArrayList<>();
        for (Dataset d : datasets) {
            rows.add(columns.stream()
                    .map(p -> p.kind().format(d.value(p), literal, context.clock().getZone())).toList());
        }
        List<Table.Column> header = columns.stream()
                .map(p -> new Table.Column(p.column(), p.kind().rightAligned(), p.kind().minWidth())).toList();
        context.out().print(Table.render(header, rows, options.has('H')));
        return 0;
    }

    /** zfs list -t: all, volume (vol), snapshot (snap); Cistern has no file systems or bookmarks. */
    static Set<String> types(String list) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : list.split(",", -1)) {
            switch (t) {
                case "all" -> types.addAll(List.of("volume", "snapshot"));
                case "volume", "vol" -> types.add("volume");
                case "snapshot", "snap" -> types.add("snapshot");
                default -> throw new UsageException("invalid type '" + t + "': Cistern's datasets are volumes and snapshots");
            }
        }
        return types;
    }

    /**
     * zfs's default order (by volume name, each volume's snapshots after it in the API's, that is
     * creation, order), then the -s/-S keys in the order given; a row without the value sorts last.
     */
    static Comparator<Dataset> order(List<Getopt.Option> keys) {
        Comparator<Dataset> order = (a, b) -> 0;
        for (Getopt.Option key : keys) {
            Property p = Property.find(key.value())
                    .orElseThrow(() -> new UsageException("invalid property '" + key.value() + "' for sorting"));
            order = order.thenComparing(by(p, key.letter() == 'S'));
        }
        return order.thenComparing(d -> d.name().split("@", 2)[0])
                .thenComparing(d -> d.name().contains("@"));
    }

    private static Comparator<Dataset> by(Property p, boolean descending) {
        return (a, b) -> {
            JsonNode x = a.value(p);
            JsonNode y = b.value(p);
            boolean xMissing = x.isMissingNode() || x.isNull();
            boolean yMissing = y.isMissingNode() || y.isNull();
            if (xMissing || yMissing) {
                return Boolean.compare(xMissing, yMissing);
            }
            int c = x.isNumber() && y.isNumber() ? x.decimalValue().compareTo(y.decimalValue()) : x.asText().compareTo(y.asText());
            return descending ? -c : c;
        };
    }
}
