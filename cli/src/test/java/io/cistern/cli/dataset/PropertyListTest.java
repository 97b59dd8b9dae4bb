package io.cistern.cli.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cistern.cli.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertyListTest {
    private static List<String> headers(String fields) {
        return PropertyList.parse(fields).stream().map(Property::column).toList();
    }

    @Test
    void spaceExpandsInPlaceAsZpropGetListDoes() {
        assertEquals(List.of("NAME", "AVAIL", "USED", "USEDSNAP", "USEDDS", "USEDREFRESERV", "USEDCHILD", "REFER",
                "WRITTEN"), headers("space,refer,written"));
        assertEquals(List.of("VOLSIZE", "NAME", "AVAIL", "USED", "USEDSNAP", "USEDDS", "USEDREFRESERV", "USEDCHILD"),
                headers("volsize,space"));
    }

    @Test
    void propertiesGoByNameOrByLowercaseColumnHeader() {
        assertEquals(List.of("NAME", "USED", "AVAIL", "REFER", "VOLSIZE", "REFRESERV"),
                headers("name,used,avail,refer,volsize,refreserv"));
        assertEquals(headers("usedbysnapshots,usedbydataset,usedbyrefreservation,usedbychildren,logicalused"),
                headers("usedsnap,usedds,usedrefreserv,usedchild,lused"));
        assertEquals(List.of("RATIO", "RATIO", "RDONLY", "RDONLY", "LREFER", "VOLBLOCK", "GUID", "CREATION", "TYPE",
                "ORIGIN", "WRITTEN"), headers("compressratio,ratio,readonly,rdonly,lrefer,volblock,guid,creation,type,"
                + "origin,written"));
    }

    @Test
    void unknownOrEmptyNamesAreUsageErrors() {
        assertEquals("bad property list: invalid property 'mountpoint'",
                assertThrows(UsageException.class, () -> PropertyList.parse("name,mountpoint")).getMessage());
        assertThrows(UsageException.class, () -> PropertyList.parse("name,,used"));
        assertThrows(UsageException.class, () -> PropertyList.parse("REFER"));
    }
}
