package io.cistern.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document and the router describe the same API: no route undocumented, no documented route missing. */
class OpenApiTest {
    @TempDir
    Path dir;

    @Test
    void everyRouteIsInTheDocumentAndViceVersa() throws Exception {
        try (ApiFixture api = new ApiFixture(dir)) {
            ApiFixture.Answer served = api.send("GET", "/openapi.json", null, null);
            assertEquals(200, served.status());
            JsonObject doc = served.json();
            assertTrue(doc.getString("openapi").startsWith("3.0."), doc.getString("openapi"));
            assertEquals(ApiServer.openapi().toJsonObject(), doc);

            Set<String> documented = new TreeSet<>();
            JsonObject paths = doc.getJsonObject("paths");
            for (String path : paths.fieldNames()) {
                for (String method : paths.getJsonObject(path).fieldNames()) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
            Set<String> routed = new TreeSet<>();
            for (Route route : api.server().router().getRoutes()) {
                if (route.methods() == null) {
                    continue; // the token check and the body reader, in front of every route
                }
                for (HttpMethod m : route.methods()) {
                    routed.add(m.name() + " " + route.getName());
                }
            }
            assertEquals(documented, routed);
            assertEquals(17, routed.size(), routed::toString);
        }
    }
}
