package io.cistern.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test double of the management API's wire contract (docs/api.md) on 127.0.0.1: canned JSON per
 * method and path, every request recorded. Unknown routes answer 404 with a JSON error naming them.
 */
public final class FakeApi implements AutoCloseable {
    public static final String TOKEN = "0123456789abcdef";
    /** The clock commands see: 2026-03-04 09:05 UTC, so that dates print the same everywhere. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T09:05:00Z"), ZoneOffset.UTC);

    public record Request(String method, String uri, String authorization, String body) {
    }

    public record Result(int status, String out, String err) {
    }

    private record Response(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Response>> routes = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    public FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers METHOD URI (path and raw query as sent) with this status and JSON body from now on. */
    public synchronized FakeApi on(String method, String uri, int status, String json) {
        routes.put(method + " " + uri, new ArrayDeque<>(List.of(new Response(status, json))));
        return this;
    }

    /** Answers the next requests with these bodies in turn, then keeps answering with the last. */
    public synchronized FakeApi onInTurn(String method, String uri, String... jsons) {
        Deque<Response> answers = new ArrayDeque<>();
        for (String json : jsons) {
            answers.add(new Response(200, json));
        }
        routes.put(method + " " + uri, answers);
        return this;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs a command line against this server with the token in CISTERN_TOKEN. */
    public Result run(String... args) {
        return run(Map.of("CISTERN_TOKEN", TOKEN), args);
    }

    public Result run(Map<String, String> env, String... args) {
        List<String> line = new ArrayList<>(List.of("--url", url()));
        line.addAll(List.of(args));
        return runLine(line, env);
    }

    /** Runs a command line as {@link #run(String...)} does, its standard output a terminal. */
    public Result runOnTerminal(String... args) {
        List<String> line = new ArrayList<>(List.of("--url", url()));
        line.addAll(List.of(args));
        return runLine(line, Map.of("CISTERN_TOKEN", TOKEN), true);
    }

    /** Runs a command line as given (no --url added). */
    public static Result runLine(List<String> line, Map<String, String> env) {
        return runLine(line, env, false);
    }

    private static Result runLine(List<String> line, Map<String, String> env, boolean terminal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = io.cistern.cli.Cli.run(line, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, env, CLOCK, Duration.ofMillis(1));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().toString();
        Response response;
        synchronized (this) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Deque<Response> answers = routes.get(key);
            if (!TOKEN.equals(bearer(exchange))) {
                response = new Response(401, "{\"error\":\"missing or wrong API token\"}");
            } else if (answers == null) {
                response = new Response(404, "{\"error\":\"no route " + key.replace("\"", "'") + "\"}");
            } else {
                response = answers.size() > 1 ? answers.poll() : answers.peek();
            }
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), response.status() == 204 ? -1 : bytes.length);
        if (response.status() != 204) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
