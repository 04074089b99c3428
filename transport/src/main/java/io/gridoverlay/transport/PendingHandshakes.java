package io.gridoverlay.transport;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts inbound connections still in their handshake, in total and per source address group (one IPv4
 * address, or the /64 prefix of an IPv6 address; an IPv4-mapped IPv6 address counts as its IPv4
 * address), and refuses a new one beyond either limit.
 *
 * <p>Thread-safe (accepted channels of one host land on several event loops); every call is O(1) and
 * never blocks. A group's entry is removed when its count drops to zero, so memory is bounded by the
 * number of pending handshakes.
 */
final class PendingHandshakes {
    /** A source address group: an IPv4 address, or an IPv6 /64 prefix. */
    record AddressGroup(boolean ipv6, long bits) {
        static AddressGroup of(InetAddress address) {
            byte[] b = address.getAddress();
            if (b.length == 16 && isIpv4Mapped(b)) {
                return new AddressGroup(false, readInt(b, 12));
            }
            if (b.length == 4) {
                return new AddressGroup(false, readInt(b, 0));
            }
            long prefix = 0;
            for (int i = 0; i < 8; i++) {
                prefix = prefix << 8 | (b[i] & 0xFF);
            }
            return new AddressGroup(true, prefix);
        }

        private static boolean isIpv4Mapped(byte[] b) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
        }

        private static long readInt(byte[] b, int offset) {
            return (b[offset] & 0xFFL) << 24 | (b[offset + 1] & 0xFFL) << 16 | (b[offset + 2] & 0xFFL) << 8
                    | (b[offset + 3] & 0xFFL);
        }
    }

    private final int maxTotal;
    private final int maxPerGroup;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<AddressGroup, Integer> perGroup = new ConcurrentHashMap<>();

    PendingHandshakes(int maxTotal, int maxPerGroup) {
        this.maxTotal = maxTotal;
        this.maxPerGroup = maxPerGroup;
    }

    /**
     * Takes a slot for a handshake from {@code address}; returns {@code null} on success (call
     * {@link #release} once the handshake ends) or the name of the limit that refused it.
     */
    String tryAcquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return "pending handshakes limit " + maxTotal;
        }
        AddressGroup group = AddressGroup.of(address);
        boolean[] taken = {false};
        perGroup.compute(group, (g, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerGroup) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            total.decrementAndGet();
            return "pending handshakes per " + (group.ipv6() ? "IPv6 /64" : "IPv4 address") + " limit " + maxPerGroup;
        }
        return null;
    }

    /** Frees the slot taken by a successful {@link #tryAcquire} for {@code address}. */
    void release(InetAddress address) {
        perGroup.computeIfPresent(AddressGroup.of(address), (g, n) -> n <= 1 ? null : n - 1);
        total.decrementAndGet();
    }

    /** Handshakes pending in total (a snapshot). */
    int total() {
        return total.get();
    }

    /** Handshakes pending from {@code address}'s group (a snapshot). */
    int pending(InetAddress address) {
        return perGroup.getOrDefault(AddressGroup.of(address), 0);
    }

    /** Address groups with a pending handshake (a snapshot; bounded by {@link #total()}). */
    int groups() {
        return perGroup.size();
    }
}
