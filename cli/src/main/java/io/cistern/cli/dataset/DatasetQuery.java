package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.api.ApiClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets that {@code list} and {@code get} operate on: every dataset when no name is given;
 * for a name, that dataset alone, or with {@code -r} it and its snapshots and clones below it. A
 * pool name stands for the pool's datasets (Cistern has no root file system to show for it).
 */
public final class DatasetQuery {
    private DatasetQuery() {
    }

    /**
     * @param type the API's type filter for listings: "all", "volume" or "snapshot"
     * @return each dataset once, in the API's order
     */
    public static List<Dataset> fetch(ApiClient api, List<String> names, boolean recursive, String type) {
        Map<String, Dataset> found = new LinkedHashMap<>();
        if (names.isEmpty()) {
            addAll(found, api.get("/datasets?type=" + type));
        }
        for (String name : names) {
            if (recursive || Names.isPool(name)) {
                addAll(found, api.get("/datasets?type=" + type + "&name=" + ApiClient.query(name) + "&recursive=true"));
            } else {
                Dataset d = new Dataset(api.get("/datasets/" + ApiClient.path(name)));
                found.putIfAbsent(d.name(), d);
            }
        }
        return new ArrayList<>(found.values());
    }

    private static void addAll(Map<String, Dataset> found, JsonNode array) {
        for (JsonNode json : array) {
            Dataset d = new Dataset(json);
            found.putIfAbsent(d.name(), d);
        }
    }
}
