package io.cistern.daemon.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Where something listens: {@code host:port}, with an IPv6 host in brackets ({@code [::1]:3260}). */
public record PortalAddress(String host, int port) {
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** Parses {@code text}; the message of the exception says what is wrong. Resolves nothing. */
    public static PortalAddress parse(String text) {
        return parse(text, 1);
    }

    /** The same, where port 0 ("any free port", for tests and the API) may be allowed: {@code lowestPort} 0. */
    public static PortalAddress parse(String text, int lowestPort) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not host:port");
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(host).matches() || !host.contains(":") || !isLiteral(host)) {
                throw new IllegalArgumentException("[" + host + "] is not an IPv6 address");
            }
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [" + host + "]:" + port);
        } else if (host.isEmpty()) {
            throw new IllegalArgumentException("no host before :" + port + " (0.0.0.0 means every IPv4 address)");
        } else if (IPV4.matcher(host).matches() ? !isIpv4(host) : !HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("\"" + host + "\" is neither an IP address nor a host name");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < lowestPort || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port \"" + port + "\" is not a number from " + lowestPort + " to 65535");
        }
        return new PortalAddress(host, Integer.parseInt(port));
    }

    /** The address to bind (a host name is resolved here). */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    private static boolean isIpv4(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 literal is parsed, never looked up, by InetAddress. */
    private static boolean isLiteral(String ipv6) {
        try {
            InetAddress.getByName("[" + ipv6 + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
