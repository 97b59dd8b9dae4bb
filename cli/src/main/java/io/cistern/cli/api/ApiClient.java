package io.cistern.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.cistern.cli.CliException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The management API of docs/api.md over the JDK's HTTP client: JSON in and out, the bearer
 * token on every request, a refusal turned into an {@link ApiException} with the server's message.
 */
public final class ApiClient {
    private static final String PREFIX = "/api/v1";

    private final URI base;
    private final Supplier<Token> token;
    private final HttpClient http;

    /** @param token looked up when the first request is made, so usage errors need no token */
    public ApiClient(URI base, Supplier<Token> token) {
        this.base = base;
        this.token = token;
        // HTTP/1.1: no h2c upgrade dance with the server on a plain-text loopback connection.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** A dataset or pool name in a path, written as it is ("tank/vm1@monday"), anything else escaped. */
    public static String path(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "/@-._~:".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** A query parameter's value. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/+$", "") + PREFIX + path))
                .header("Accept", "application/json");
        Token bearer = token.get();
        if (bearer.value() != null) {
            request.header("Authorization", "Bearer " + bearer.value());
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            throw new CliException("lost the connection to the Cistern daemon at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (response.statusCode() == 401 && bearer.value() == null) {
            throw new CliException(bearer.problem());
        }
        JsonNode json = parse(response);
        if (response.statusCode() / 100 != 2) {
            String message = json.path("error").isTextual() ? json.path("error").asText()
                    : "HTTP " + response.statusCode() + " from " + method + " " + PREFIX + path;
            throw new ApiException(response.statusCode(), message);
        }
        return json;
    }

    private JsonNode parse(HttpResponse<String> response) {
        if (response.body().isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            if (response.statusCode() / 100 != 2) {
                return MissingNode.getInstance();
            }
            throw new CliException("the daemon at " + base + " answered with something that is not JSON: " + e.getOriginalMessage());
        }
    }

    private CliException unreachable(Exception e) {
        return new CliException("cannot reach the Cistern daemon at " + base + " (is `bin/cistern run` running?)", e);
    }
}
