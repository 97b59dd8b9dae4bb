package io.cistern.console.resources;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiException;
import io.cistern.console.http.ApiRouter;
import io.cistern.console.http.Reply;
import io.cistern.console.http.Requests;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.pool.Freeing;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.VolumeProperties;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/** Volumes, snapshots and clones: the zfs(8) verbs over HTTP. */
public final class DatasetResource {
    private static final Set<String> TYPES = Set.of("all", "volume", "snapshot");
    private static final String DESTROY = "destroy";
    private static final String IMPORT = "import";
    private final Appliance appliance;
    private final Operations operations;

    public DatasetResource(Appliance appliance, Operations operations) {
        this.appliance = appliance;
        this.operations = operations;
    }

    public void register(ApiRouter api) {
        api.add(GET, "/datasets", this::list)
                .add(POST, "/datasets", this::create)
                .add(GET, "/datasets/{name}", ctx -> Reply.ok(json(name(ctx, "name"))))
                .add(PATCH, "/datasets/{name}", this::update)
                .add(DELETE, "/datasets/{name}", this::destroy)
                .add(POST, "/datasets/{name}/snapshots", this::snapshot)
                .add(POST, "/datasets/{snapshot}/clone", this::cloneOf)
                .add(POST, "/datasets/{snapshot}/rollback", this::rollback)
                .add(POST, "/datasets/{name}/rename", this::rename);
    }

    private Reply list(RoutingContext ctx) {
        Requests.onlyQueries(ctx, Set.of("type", "name", "recursive"));
        String type = Requests.query(ctx, "type", TYPES).orElse("volume"); // zfs list hides snapshots unless asked
        boolean recursive = Requests.booleanQuery(ctx, "recursive");
        String name = Requests.query(ctx, "name", null).orElse(null);
        List<JsonObject> found = new ArrayList<>();
        if (name == null) {
            appliance.pools().keySet().forEach(pool -> found.addAll(under(pool, null, type)));
        } else if (name.indexOf('/') < 0) {
            if (!appliance.pools().containsKey(name)) {
                throw ApiException.notFound("no pool '" + name + "'");
            }
            found.addAll(under(name, null, type)); // a pool is no dataset here: its datasets stand for it
        } else if (recursive) {
            DatasetName n = DatasetName.parse(name);
            json(n); // 404 if it does not exist
            found.addAll(under(n.pool(), n.local(), type));
        } else {
            JsonObject one = json(DatasetName.parse(name));
            if (type.equals("all") || one.getString("type").equals(type)) {
                found.add(one);
            }
        }
        return Reply.ok(new JsonArray(new ArrayList<>(found)));
    }

    /**
     * The datasets of {@code pool} (or {@code root} and its snapshots), as zfs list orders them: volumes
     * by name, each followed by its snapshots oldest first. One gone meanwhile is left out.
     */
    private List<JsonObject> under(String pool, String root, String type) {
        Pool p = appliance.pools().get(pool);
        List<VolumeProperties> props = new ArrayList<>();
        for (String local : p.list()) {
            if (root != null && !local.equals(root) && !local.startsWith(root + "@")) {
                continue;
            }
            try {
                VolumeProperties vp = p.properties(local);
                if (type.equals("all") || vp.type().equals(type)) {
                    props.add(vp);
                }
            } catch (PoolException e) {
                if (e.kind() != PoolException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        props.sort(Comparator.comparing((VolumeProperties vp) -> DatasetName.of(pool, vp.name()).head().local())
                .thenComparing(vp -> vp.type().equals("snapshot"))
                .thenComparingLong(VolumeProperties::creationMillis).thenComparing(VolumeProperties::name));
        return props.stream().map(vp -> DatasetJson.of(pool, vp, shared(pool, vp.name()))).toList();
    }

    private Reply create(RoutingContext ctx) throws Exception {
        JsonObject body = Requests.body(ctx, Set.of("name", "volsize", "sparse", "properties", "image"));
        DatasetName name = DatasetName.parse(Requests.string(body, "name"));
        if (name.snapshot()) {
            throw ApiException.badRequest("'" + name + "' names a snapshot: take it with POST /datasets/{name}/snapshots");
        }
        PropertyChanges changes = PropertyChanges.parse(body.getValue("properties"), true);
        if (body.containsKey("image")) {
            return importImage(name, body, changes);
        }
        long volsize = Requests.bytes(body, "volsize").orElseThrow(() -> ApiException.badRequest("'volsize' is required"));
        boolean sparse = Requests.flag(body, "sparse").orElse(false); // zfs create -V reserves unless -s
        VolumeSpec spec = spec(volsize, sparse, changes);
        name.on(appliance, pool -> {
            pool.createVolume(name.local(), spec);
            if (changes.readonly().orElse(false)) {
                pool.setReadonly(name.local(), true);
            }
            return null;
        });
        if (changes.shareiscsi().orElse(false)) {
            try {
                appliance.shareiscsi(name.toString(), true);
            } catch (Exception e) {
                name.on(appliance, pool -> { // a refused request leaves no volume behind
                    pool.destroy(name.local(), false);
                    return null;
                });
                throw e;
            }
        }
        return Reply.created(json(name), location(name));
    }

    private static VolumeSpec spec(long volsize, boolean sparse, PropertyChanges changes) {
        VolumeSpec plain = new VolumeSpec(volsize, changes.volblocksize().orElse(VolumeSpec.DEFAULT_VOLBLOCKSIZE), sparse);
        VolumeSpec compressed = changes.compression().map(plain::withCompression).orElse(plain);
        return changes.dedup().map(compressed::withDedup).orElse(compressed);
    }

    /**
     * A new volume of the image's size (sparse unless asked otherwise: an image is mostly a thin disk),
     * filled in the background; the answer is the import operation. Refusals (a bad image, a name taken,
     * no room for a reservation) come before any volume exists. A copy that stops destroys the volume,
     * so that a half-copied disk is never mistaken for the image; readonly=on is set once it is complete.
     */
    private Reply importImage(DatasetName name, JsonObject body, PropertyChanges changes) {
        if (body.containsKey("volsize")) {
            throw ApiException.badRequest("'volsize' and 'image' exclude each other: the volume takes the image's size");
        }
        if (changes.shareiscsi().orElse(false)) {
            throw ApiException.badRequest("cannot share '" + name + "' before its image is copied: set shareiscsi=on"
                    + " once the import is done");
        }
        boolean sparse = Requests.flag(body, "sparse").orElse(true);
        FileDevice image = ImageCopy.open(Requests.string(body, "image"));
        Volume volume;
        try {
            VolumeSpec spec = spec(ImageCopy.volsize(image, changes.volblocksize().orElse(VolumeSpec.DEFAULT_VOLBLOCKSIZE)),
                    sparse, changes);
            volume = name.on(appliance, pool -> pool.createVolume(name.local(), spec));
        } catch (RuntimeException e) {
            ImageCopy.closeQuietly(image);
            throw e;
        }
        Operation op = operations.add(IMPORT, name.toString());
        op.follow(CompletableFuture.supplyAsync(() -> copy(image, name, volume, changes.readonly().orElse(false), op),
                r -> {
                    Thread t = new Thread(r, "cistern-import " + name);
                    t.setDaemon(true);
                    t.start();
                }));
        return Reply.accepted(op.toJson(), ApiRouter.BASE + "/operations/" + op.id());
    }

    private JsonObject copy(FileDevice image, DatasetName name, Volume volume, boolean readonly, Operation op) {
        try (image) {
            ImageCopy.copy(image, volume, op::progress);
            if (readonly) {
                name.on(appliance, pool -> {
                    pool.setReadonly(name.local(), true);
                    return null;
                });
            }
            return new JsonObject().put("bytes", image.size());
        } catch (Exception e) {
            String why = "copying the image into '" + name + "' stopped: " + e.getMessage();
            try {
                name.on(appliance, pool -> {
                    pool.destroy(name.local(), false);
                    return null;
                });
                why += "; '" + name + "' is destroyed";
            } catch (RuntimeException d) {
                why += "; destroying the partial volume '" + name + "' failed too: " + d.getMessage();
            }
            throw new CompletionException(new IOException(why, e));
        }
    }

    /**
     * The export is changed first: the appliance checks all it refuses before changing anything, and if
     * the pool then refuses the rest, the export is put back (a volume shared again keeps its LUN number).
     */
    private Reply update(RoutingContext ctx) throws Exception {
        DatasetName name = name(ctx, "name").requireVolume();
        JsonObject body = Requests.body(ctx, Set.of("properties"));
        PropertyChanges changes = PropertyChanges.parse(body.getValue("properties"), false);
        json(name); // 404 before any change
        Boolean share = changes.shareiscsi().orElse(null);
        List<String> exported = share == null ? List.of() : appliance.shareiscsi(name.toString(), share);
        try {
            name.on(appliance, pool -> {
                changes.apply(pool, name.local());
                return null;
            });
        } catch (RuntimeException e) {
            if (!exported.isEmpty()) {
                appliance.shareiscsi(name.toString(), !share);
            }
            throw e;
        }
        return Reply.ok(json(name));
    }

    private Reply destroy(RoutingContext ctx) {
        DatasetName name = name(ctx, "name");
        Requests.onlyQueries(ctx, Set.of("recursive"));
        boolean recursive = Requests.booleanQuery(ctx, "recursive");
        refuseIfExported(name, recursive, "destroy");
        refuseWhileImporting(name, "destroy");
        AtomicReference<Operation> op = new AtomicReference<>(); // known once the pool took the name away
        Freeing freeing = name.on(appliance, pool -> pool.destroy(name.local(), recursive, share -> {
            Operation o = op.get();
            if (o != null) {
                o.progress(share);
            }
        }));
        if (freeing.bytes() == 0) {
            return Reply.noContent(); // nothing to free: done (the record goes with the next slice)
        }
        Operation o = operations.add(DESTROY, name.toString());
        op.set(o);
        o.follow(freeing.done().thenApply(v -> new JsonObject().put("freed", freeing.bytes())));
        return Reply.accepted(o.toJson(), ApiRouter.BASE + "/operations/" + o.id());
    }

    private Reply snapshot(RoutingContext ctx) {
        DatasetName volume = name(ctx, "name").requireVolume();
        String snap = Requests.string(Requests.body(ctx, Set.of("snapshot")), "snapshot");
        DatasetName name = DatasetName.of(volume.pool(), volume.local() + "@" + snap);
        volume.on(appliance, pool -> pool.snapshot(volume.local(), snap));
        return Reply.created(json(name), location(name));
    }

    private Reply cloneOf(RoutingContext ctx) {
        DatasetName snap = name(ctx, "snapshot").requireSnapshot();
        JsonObject body = Requests.body(ctx, Set.of("name", "sparse"));
        DatasetName clone = samePool(snap, DatasetName.parse(Requests.string(body, "name")), "clone").requireVolume();
        boolean sparse = Requests.flag(body, "sparse").orElse(true); // zfs clone: no reservation unless asked
        snap.on(appliance, pool -> pool.clone(snap.local(), clone.local(), sparse));
        return Reply.created(json(clone), location(clone));
    }

    private Reply rollback(RoutingContext ctx) {
        DatasetName snap = name(ctx, "snapshot").requireSnapshot();
        Requests.body(ctx, Set.of());
        snap.on(appliance, pool -> {
            pool.rollback(snap.local());
            return null;
        });
        return Reply.ok(json(snap.head()));
    }

    private Reply rename(RoutingContext ctx) {
        DatasetName from = name(ctx, "name");
        DatasetName to = samePool(from, DatasetName.parse(Requests.string(Requests.body(ctx, Set.of("name")), "name")),
                "rename");
        refuseIfExported(from, true, "rename"); // a snapshot's name changes with its volume's
        refuseWhileImporting(from, "rename");
        from.on(appliance, pool -> {
            pool.rename(from.local(), to.local());
            return null;
        });
        return Reply.ok(json(to));
    }

    private JsonObject json(DatasetName name) {
        VolumeProperties p = name.on(appliance, pool -> pool.properties(name.local()));
        return DatasetJson.of(name.pool(), p, shared(name.pool(), name.local()));
    }

    private boolean shared(String pool, String local) {
        return !Exports.of(appliance, pool + "/" + local).isEmpty();
    }

    /** A LUN holds the volume open under its name: pulling it from under an initiator is refused. */
    private void refuseIfExported(DatasetName name, boolean withSnapshots, String verb) {
        List<String> luns = Exports.of(appliance, name.toString(), withSnapshots);
        if (!luns.isEmpty()) {
            throw ApiException.conflict("cannot " + verb + " '" + name + "': exported as " + String.join(", ", luns));
        }
    }

    /** The import's copy writes to the volume it created, and destroys it by that name if it fails. */
    private void refuseWhileImporting(DatasetName name, String verb) {
        operations.latest(IMPORT, name.toString()).filter(Operation::running).ifPresent(o -> {
            throw ApiException.conflict("cannot " + verb + " '" + name + "': its image is being copied (operation "
                    + o.id() + ")");
        });
    }

    private static DatasetName samePool(DatasetName from, DatasetName to, String verb) {
        if (!from.pool().equals(to.pool())) {
            throw ApiException.badRequest("cannot " + verb + " across pools: '" + from + "' to '" + to + "'");
        }
        return to;
    }

    private static DatasetName name(RoutingContext ctx, String param) {
        return DatasetName.parse(ctx.pathParam(param));
    }

    private static String location(DatasetName name) {
        return ApiRouter.BASE + "/datasets/" + name;
    }
}
