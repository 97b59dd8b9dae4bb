package io.cistern.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PortalAddressTest {
    @Test
    void hostsAndPorts() {
        assertEquals(new PortalAddress("127.0.0.1", 3260), PortalAddress.parse("127.0.0.1:3260"));
        assertEquals(new PortalAddress("::1", 3260), PortalAddress.parse("[::1]:3260"));
        assertEquals(new PortalAddress("fe80::1%eth0", 860), PortalAddress.parse("[fe80::1%eth0]:860"));
        assertEquals(new PortalAddress("san.example.com", 65535), PortalAddress.parse("san.example.com:65535"));
    }

    @Test
    void mistakesAreExplained() {
        assertEquals("an IPv6 address goes in brackets: [::1]:3260",
                assertThrows(IllegalArgumentException.class, () -> PortalAddress.parse("::1:3260")).getMessage());
        assertEquals("port \"0\" is not a number from 1 to 65535",
                assertThrows(IllegalArgumentException.class, () -> PortalAddress.parse("10.0.0.1:0")).getMessage());
        for (String bad : new String[] {"10.0.0.1", "10.0.0.1:", "10.0.0.256:3260", "1.2.3:3260", "[::g]:3260",
                "[10.0.0.1]:3260", ":3260", "bad_host:3260", "host:32a0", "host:-1"}) {
            assertThrows(IllegalArgumentException.class, () -> PortalAddress.parse(bad), bad);
        }
    }
}
