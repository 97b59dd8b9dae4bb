package io.cistern.console.resources;

import io.cistern.console.Appliance;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.session.TargetNode;
import java.util.ArrayList;
import java.util.List;

/** Which targets export a dataset as a LUN: what shareiscsi reports, and why destroy or rename is refused. */
final class Exports {
    private Exports() {
    }

    /** "LUN 0 of iqn..." for every LUN backed by {@code dataset}; empty if none. */
    static List<String> of(Appliance appliance, String dataset) {
        return of(appliance, dataset, false);
    }

    /** As {@link #of(Appliance, String)}, with {@code snapshots}: also by the dataset's snapshots. */
    static List<String> of(Appliance appliance, String dataset, boolean snapshots) {
        List<String> found = new ArrayList<>();
        for (TargetNode node : appliance.targets()) {
            for (LogicalUnit unit : units(node)) {
                String backing = appliance.backing(unit.backend());
                if (backing.equals(dataset) || snapshots && backing.startsWith(dataset + "@")) {
                    found.add("LUN " + unit.number() + " of " + node.name()
                            + (backing.equals(dataset) ? "" : " (" + backing + ")"));
                }
            }
        }
        return found;
    }

    static List<LogicalUnit> units(TargetNode node) {
        return node.scsi() instanceof ScsiTargetDevice device ? device.units() : List.of();
    }
}
