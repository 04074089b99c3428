package io.gridoverlay.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts established connections per remote IP address (an IPv6 address as its /64, as
 * {@link PendingHandshakes} does) and per subnet (IPv4 /24, IPv6 /48), and refuses one beyond
 * {@link ConnectionLimits#maxConnectionsPerIp()} or {@link ConnectionLimits#maxConnectionsPerSubnet()}: one
 * address, or one small network, cannot hold every connection slot of a host. Loopback addresses are
 * exempt unless {@link ConnectionLimits#limitLoopback()}.
 *
 * <p>Thread-safe; O(1) per call; entries are removed at zero, so memory is bounded by the connections.
 */
final class EstablishedPerAddress {
    private final ConnectionLimits limits;
    private final Map<PendingHandshakes.AddressGroup, Integer> perIp = new ConcurrentHashMap<>();
    private final Map<PendingHandshakes.AddressGroup, Integer> perSubnet = new ConcurrentHashMap<>();

    EstablishedPerAddress(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** Takes a slot for a connection with {@code remote}; {@code false} when a limit refuses it. */
    boolean tryAcquire(SocketAddress remote) {
        InetAddress ip = ipOf(remote);
        if (ip == null) {
            return true;
        }
        PendingHandshakes.AddressGroup host = PendingHandshakes.AddressGroup.of(ip);
        if (!increment(perIp, host, limits.maxConnectionsPerIp())) {
            return false;
        }
        if (!increment(perSubnet, subnet(host), limits.maxConnectionsPerSubnet())) {
            decrement(perIp, host);
            return false;
        }
        return true;
    }

    /** Frees the slot of a connection with {@code remote} taken by a successful {@link #tryAcquire}. */
    void release(SocketAddress remote) {
        InetAddress ip = ipOf(remote);
        if (ip == null) {
            return;
        }
        PendingHandshakes.AddressGroup host = PendingHandshakes.AddressGroup.of(ip);
        decrement(perIp, host);
        decrement(perSubnet, subnet(host));
    }

    /** The counted address, or null when not counted (not an IP socket, or an exempt loopback address). */
    private InetAddress ipOf(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress s) || s.getAddress() == null) {
            return null;
        }
        InetAddress ip = s.getAddress();
        return ip.isLoopbackAddress() && !limits.limitLoopback() ? null : ip;
    }

    /** IPv4 /24 of an IPv4 group, IPv6 /48 of an IPv6 /64 group. */
    static PendingHandshakes.AddressGroup subnet(PendingHandshakes.AddressGroup g) {
        return new PendingHandshakes.AddressGroup(g.ipv6(), g.ipv6() ? g.bits() >>> 16 : g.bits() >>> 8);
    }

    private static boolean increment(Map<PendingHandshakes.AddressGroup, Integer> m, PendingHandshakes.AddressGroup g,
                                     int max) {
        boolean[] taken = {false};
        m.compute(g, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    private static void decrement(Map<PendingHandshakes.AddressGroup, Integer> m, PendingHandshakes.AddressGroup g) {
        m.computeIfPresent(g, (k, n) -> n <= 1 ? null : n - 1);
    }
}
