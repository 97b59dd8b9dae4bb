package io.cistern.cli.api;

import io.cistern.cli.UsageException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the daemon's API is and the token it takes. The URL: {@code --url}, else
 * {@code CISTERN_URL}, else the daemon's default listener. The token: the file given with
 * {@code --token-file}, else {@code CISTERN_TOKEN}, else {@code <data-dir>/api.token}, which the
 * daemon writes on first start, with the data directory from {@code CISTERN_DATA_DIR} or the
 * daemon's default {@code data} (relative to the working directory, as the daemon's is).
 */
public final class Endpoint {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private Endpoint() {
    }

    /** @throws UsageException for a URL that is not http(s)://host[:port] */
    public static ApiClient connect(String urlOption, String tokenFileOption, Map<String, String> env) {
        URI url = url(urlOption != null ? urlOption : env.getOrDefault("CISTERN_URL", DEFAULT_URL));
        return new ApiClient(url, memoized(() -> token(tokenFileOption, env)));
    }

    static URI url(String text) {
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException("bad URL '" + text + "': expected http://HOST[:PORT]");
    }

    static Token token(String tokenFileOption, Map<String, String> env) {
        if (tokenFileOption != null) {
            return read(Path.of(tokenFileOption), "--token-file");
        }
        String token = env.get("CISTERN_TOKEN");
        if (token != null && !token.isBlank()) {
            return Token.of(token.strip());
        }
        Path file = Path.of(env.getOrDefault("CISTERN_DATA_DIR", "data"), "api.token");
        return read(file, "the daemon's data directory (set CISTERN_DATA_DIR, CISTERN_TOKEN or --token-file"
                + " when running elsewhere than the daemon's working directory)");
    }

    private static Token read(Path file, String from) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Token.missing("the API token file " + file + " is empty") : Token.of(token);
        } catch (NoSuchFileException e) {
            return Token.missing("no API token: " + file + " does not exist (read from " + from + ")");
        } catch (IOException e) {
            return Token.missing("cannot read the API token from " + file + ": " + e.getMessage());
        }
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
