package io.cistern.console.resources;

import static io.vertx.core.http.HttpMethod.GET;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiRouter;
import io.cistern.console.http.Reply;
import io.cistern.target.login.Portal;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/** Target nodes and the sessions logged in to them, read-only (targetcli's ls, iscsiadm -m session). */
public final class TargetResource {
    private final Appliance appliance;

    public TargetResource(Appliance appliance) {
        this.appliance = appliance;
    }

    public void register(ApiRouter api) {
        api.add(GET, "/targets", ctx -> Reply.ok(new JsonArray(appliance.targets().stream()
                        .sorted(Comparator.comparing(TargetNode::name)).map(this::target).toList())))
                .add(GET, "/sessions", ctx -> Reply.ok(new JsonArray(appliance.sessions().stream()
                        .sorted(Comparator.comparing(IscsiSession::since).thenComparing(IscsiSession::tsih))
                        .map(TargetResource::session).toList())));
    }

    private JsonObject target(TargetNode node) {
        JsonArray luns = new JsonArray();
        for (LogicalUnit unit : Exports.units(node)) {
            luns.add(new JsonObject().put("lun", unit.number()).put("backing", appliance.backing(unit.backend()))
                    .put("size", unit.backend().blockCount() * unit.backend().blockSize()));
        }
        return new JsonObject().put("iqn", node.name()).put("alias", node.alias().orElse(null))
                .put("portals", new JsonArray(node.portals().stream().map(TargetResource::portal).toList()))
                .put("luns", luns).put("acl", new JsonArray(node.allowedInitiators().stream().sorted().toList()))
                .put("chap", node.chap().isPresent());
    }

    private static String portal(Portal p) {
        return p.address().indexOf(':') >= 0 ? "[" + p.address() + "]:" + p.port() : p.address() + ":" + p.port();
    }

    /** A discovery session has no target and no LUNs. */
    private static JsonObject session(IscsiSession s) {
        List<Long> luns = s.nexus().flatMap(n -> s.target().map(t -> t.scsi() instanceof ScsiTargetDevice d
                ? d.visibleLuns(n) : List.<Long>of())).orElse(List.of());
        return new JsonObject().put("initiator", s.initiatorName()).put("isid", s.isidHex()).put("tsih", s.tsih())
                .put("address", s.remote().startsWith("/") ? s.remote().substring(1) : s.remote())
                .put("target", s.target().map(TargetNode::name).orElse(null)).put("luns", new JsonArray(luns))
                .put("since", s.since().toString());
    }
}
