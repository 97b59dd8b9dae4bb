package io.cistern.target.login;

/** A network portal of a target: IP address (v4 or v6, no brackets needed), TCP port, portal group tag. */
public record Portal(String address, int port, int portalGroupTag) {
    public Portal {
        if (port < 1 || port > 65535 || portalGroupTag < 0 || portalGroupTag > 65535) {
            throw new IllegalArgumentException("bad portal " + address + ":" + port + "," + portalGroupTag);
        }
    }

    /** The TargetAddress value of RFC 7143 §13.8: {@code domainname[:port],portal-group-tag}, IPv6 in brackets. */
    public String targetAddress() {
        boolean ipv6 = address.indexOf(':') >= 0 && !address.startsWith("[");
        return (ipv6 ? "[" + address + "]" : address) + ":" + port + "," + portalGroupTag;
    }
}
