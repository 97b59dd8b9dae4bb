package io.cistern.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** RFC 7143 §4.2.7's examples are valid; the usual mistakes are not. */
class IscsiNameTest {
    @Test
    void theRfcExamplesAreValid() {
        for (String name : new String[] {"iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
                "iqn.2001-04.com.example", "iqn.2001-04.com.example:storage.tape1.sys1.xyz",
                "iqn.1994-05.com.redhat:5b3a1c2d4e5f", "eui.02004567A425678D", "naa.52004567BA64678D",
                "naa.62004567BA64678D0123456789ABCDEF"}) {
            assertNull(IscsiName.problemWith(name), name);
        }
    }

    @Test
    void mistakesAreExplained() {
        assertEquals("iSCSI names are lower case (RFC 3722): iqn.2001-04.com.example:disk",
                IscsiName.problemWith("iqn.2001-04.com.Example:Disk"));
        assertEquals("month 00 in the date of an iqn. name is not 01 to 12", IscsiName.problemWith("iqn.2001-00.com.x"));
        assertNotNull(IscsiName.problemWith("iqn.01-04.com.example"));
        assertNotNull(IscsiName.problemWith("iqn.2001-04.-bad.example"));
        assertNotNull(IscsiName.problemWith("iqn.2001-04.com.example:with space"));
        assertNotNull(IscsiName.problemWith("iqn.2001-04.com.example:a/b"));
        assertNotNull(IscsiName.problemWith("eui.02004567A425678"));
        assertNotNull(IscsiName.problemWith("naa.52004567BA64678D0"));
        assertNotNull(IscsiName.problemWith("host1"));
        assertNotNull(IscsiName.problemWith("iqn.2001-04.com.example:" + "x".repeat(200)));
    }
}
