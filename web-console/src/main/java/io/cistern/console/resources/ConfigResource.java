package io.cistern.console.resources;

import static io.vertx.core.http.HttpMethod.POST;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiRouter;
import io.cistern.console.http.Reply;
import io.cistern.console.http.Requests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** The configuration files: read again and applied on request, as SIGHUP does ({@code cistern reload}). */
public final class ConfigResource {
    private final Appliance appliance;

    public ConfigResource(Appliance appliance) {
        this.appliance = appliance;
    }

    public void register(ApiRouter api) {
        api.add(POST, "/reload", ctx -> {
            Requests.onlyQueries(ctx, Set.of());
            Requests.body(ctx, Set.of());
            return Reply.ok(new JsonObject().put("changes", new JsonArray(appliance.reload())));
        });
    }
}
