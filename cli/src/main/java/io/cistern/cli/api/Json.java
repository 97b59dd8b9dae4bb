package io.cistern.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cistern.cli.CliException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The one JSON mapper of the CLI and the readings of API values it needs more than once. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A time: ISO-8601 text ("2026-03-04T09:05:00Z") or seconds since the epoch. */
    public static Instant instant(JsonNode value) {
        if (value.isNumber()) {
            return Instant.ofEpochSecond(value.asLong());
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException("the API sent a time that is not ISO-8601: " + value.asText());
        }
    }
}
