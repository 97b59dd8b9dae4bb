package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A volume or snapshot as the API describes it: {"name","type","properties":{P:{"value","source"}}}. */
public record Dataset(JsonNode json) {
    public String name() {
        return json.path("name").asText();
    }

    /** "volume" or "snapshot". */
    public String type() {
        return json.path("type").asText();
    }

    /** The property's value; a missing node where the API gives none. */
    public JsonNode value(String property) {
        if (property.equals("name") || property.equals("type") && !json.path("properties").has("type")) {
            return json.path(property);
        }
        JsonNode p = json.path("properties").path(property);
        return p.isObject() ? p.path("value") : MissingNode.getInstance();
    }

    public JsonNode value(Property property) {
        return value(property.zfsName());
    }

    /** Where the value comes from: default, local or "-" (computed). */
    public String source(String property) {
        JsonNode source = json.path("properties").path(property).path("source");
        return source.isTextual() ? source.asText() : "-";
    }

    /** The property names the API gave, in its order. */
    public Iterable<String> propertyNames() {
        return json.path("properties")::fieldNames;
    }
}
