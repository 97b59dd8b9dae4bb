package io.cistern.console.resources;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiException;
import io.cistern.console.http.ApiRouter;
import io.cistern.console.http.Reply;
import io.cistern.console.http.Requests;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.PoolProperties;
import io.cistern.thinpool.pool.ScrubReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Pools as zpool(8) shows them, their scrubs, and the operations the client polls. */
public final class PoolResource {
    private static final String SCRUB = "scrub";
    private final Appliance appliance;
    private final Operations operations;

    public PoolResource(Appliance appliance, Operations operations) {
        this.appliance = appliance;
        this.operations = operations;
    }

    public void register(ApiRouter api) {
        api.add(GET, "/pools", ctx -> Reply.ok(new JsonArray(appliance.pools().keySet().stream()
                        .map(this::json).toList())))
                .add(GET, "/pools/{pool}", ctx -> Reply.ok(json(pool(ctx))))
                .add(POST, "/pools/{pool}/scrub", this::scrub)
                .add(GET, "/operations/{id}", ctx -> Reply.ok(operations.get(ctx.pathParam("id"))
                        .orElseThrow(() -> ApiException.notFound("no operation '" + ctx.pathParam("id") + "'"))
                        .toJson()));
    }

    private Reply scrub(RoutingContext ctx) {
        String name = pool(ctx);
        Requests.body(ctx, Set.of());
        Operation op = operations.start(SCRUB, name);
        CompletableFuture<JsonObject> work;
        try {
            work = appliance.pools().get(name).scrub(op::progress).thenApply(r -> report(name, r));
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e); // the operation must not stay "running" for ever
        }
        op.follow(work);
        return Reply.accepted(op.toJson(), ApiRouter.BASE + "/operations/" + op.id());
    }

    private String pool(RoutingContext ctx) {
        String name = ctx.pathParam("pool");
        if (!appliance.pools().containsKey(name)) {
            throw ApiException.notFound("no pool '" + name + "'");
        }
        return name;
    }

    /**
     * zpool list's columns: size, alloc (device bytes holding data) and free, cap and frag in percent.
     * A pool whose device failed or that is closed answers FAULTED, without figures.
     */
    private JsonObject json(String name) {
        Pool pool = appliance.pools().get(name);
        JsonObject j = new JsonObject().put("name", name);
        try {
            PoolProperties p = pool.properties();
            j.put("size", p.size()).put("alloc", p.allocated()).put("free", p.size() - p.allocated())
                    .put("cap", p.size() == 0 ? 0 : p.allocated() * 100 / p.size())
                    .put("dedupratio", p.dedupRatio()).put("dedup", ddt(p.dedup())).put("health", "ONLINE")
                    .put("fragmentation", Math.round(p.fragmentation() * 100))
                    .put("metadataCacheHitRate", p.metadataCacheHitRate()).put("freeing", p.freeing());
        } catch (PoolException e) {
            if (e.kind() != PoolException.Kind.CLOSED && e.kind() != PoolException.Kind.IO) {
                throw e;
            }
            j.put("size", null).put("alloc", null).put("free", null).put("cap", null).put("dedupratio", null).put("dedup", null)
                    .put("health", "FAULTED").put("fragmentation", null).put("metadataCacheHitRate", null).put("freeing", null);
        }
        return j.put("scrub", operations.latest(SCRUB, name).map(Operation::toJson).orElse(null));
    }

    /** The dedup table as zpool status -D shows it: entries, bytes on disk and in core, and the cache. */
    private static JsonObject ddt(DedupStats d) {
        return new JsonObject().put("entries", d.entries()).put("diskBytes", d.diskBytes())
                .put("diskBytesPerEntry", d.diskBytesPerEntry()).put("coreBytes", d.cacheBytes())
                .put("coreBytesPerEntry", d.bytesPerCachedEntry()).put("cachedEntries", d.cachedEntries())
                .put("cacheCapBytes", d.cacheCapBytes()).put("cacheHitRate", d.cacheHitRate());
    }

    private static JsonObject report(String pool, ScrubReport r) {
        JsonArray damaged = new JsonArray();
        r.damaged().forEach(d -> damaged.add(new JsonObject().put("dataset", pool + "/" + d.volume())
                .put("block", d.block()).put("live", d.live()).put("reason", d.reason())));
        return new JsonObject().put("blocks", r.blocks()).put("bytes", r.bytes()).put("damaged", damaged);
    }
}
