package io.cistern.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.console.http.ApiTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
    private static final String REMOTE_TOKEN = "a token a remote client was given";

    @TempDir
    Path dir;

    @Test
    void everyEndpointButTheDocumentNeedsAnAcceptedBearerToken() throws Exception {
        String digest = HexFormat.of().formatHex(ApiTokens.sha256(REMOTE_TOKEN));
        try (ApiFixture api = new ApiFixture(dir, List.of(digest.toUpperCase()))) {
            api.memoryPool("tank", 64 * ApiFixture.MiB);
            for (String path : List.of("/pools", "/pools/tank", "/datasets", "/targets", "/sessions", "/operations/1",
                    "/no/such/endpoint")) {
                ApiFixture.Answer none = api.send("GET", path, null, null);
                assertEquals(401, none.status(), path);
                assertEquals("missing bearer token (Authorization: Bearer TOKEN)", none.error());
                assertEquals("Bearer realm=\"cistern\"", none.raw().headers().firstValue("WWW-Authenticate").orElse(""));
                ApiFixture.Answer wrong = api.send("GET", path, null, api.token + "x");
                assertEquals(401, wrong.status(), path);
                assertEquals("invalid token", wrong.error());
            }
            assertEquals(401, api.send("POST", "/datasets", "{\"name\":\"tank/v\",\"volsize\":1048576}", null).status());
            assertEquals(0, api.pools.get("tank").list().size(), "a refused request changes nothing");
            assertEquals(200, api.send("GET", "/pools", null, api.token).status());
            assertEquals(200, api.send("GET", "/pools", null, REMOTE_TOKEN).status());
            assertEquals(401, api.send("GET", "/pools", null, digest).status(), "the digest is not the token");
            assertEquals(200, api.send("GET", "/openapi.json", null, null).status());
        }
    }

    @Test
    void theTokenFileIsMadeOnceWithOwnerOnlyAccess() throws Exception {
        Path file = dir.resolve("api.token");
        ApiTokens first = ApiTokens.load(file, List.of());
        String token = Files.readString(file).strip();
        assertTrue(token.matches("[0-9a-f]{64}"), token);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(first.accepts(token));
        assertFalse(first.accepts(token.substring(1)));
        assertFalse(first.accepts(""));
        ApiTokens again = ApiTokens.load(file, List.of());
        assertEquals(token, Files.readString(file).strip(), "a restart keeps the token");
        assertTrue(again.accepts(token));
    }

    @Test
    void aMalformedDigestInTheConfigurationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiTokens.load(dir.resolve("api.token"), List.of("abc123")));
        assertEquals("cistern.api.token-sha256: not a SHA-256 in hex (64 digits): 'abc123'", e.getMessage());
    }
}
