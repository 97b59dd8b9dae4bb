package io.cistern.cli.dataset;

import io.cistern.cli.UsageException;
import java.util.ArrayList;
import java.util.List;

/** A comma-separated property list as zprop_get_list reads it, with "space" expanded in place. */
public final class PropertyList {
    /** zfs's expansion of "space": NAME AVAIL USED USEDSNAP USEDDS USEDREFRESERV USEDCHILD. */
    public static final List<Property> SPACE = List.of(Property.NAME, Property.AVAILABLE, Property.USED,
            Property.USEDBYSNAPSHOTS, Property.USEDBYDATASET, Property.USEDBYREFRESERVATION, Property.USEDBYCHILDREN);

    private PropertyList() {
    }

    /** @throws UsageException for an empty or unknown name */
    public static List<Property> parse(String fields) {
        List<Property> properties = new ArrayList<>();
        for (String name : fields.split(",", -1)) {
            if (name.isEmpty()) {
                throw new UsageException("bad property list: empty property name");
            }
            if (name.equals("space")) {
                properties.addAll(SPACE);
            } else {
                properties.add(Property.find(name)
                        .orElseThrow(() -> new UsageException("bad property list: invalid property '" + name + "'")));
            }
        }
        return properties;
    }
}
