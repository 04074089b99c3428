package io.gridoverlay.dht.internal.protocol;

import io.gridoverlay.dht.protocol.KadRequestRejectedException;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadRequestRejectedException.Reason;
import io.gridoverlay.dht.routing.IpGroup;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each sender (peer id, and IP group unless exempt) has written to one store, charged per key until
 * the entry would expire: a write is {@link #reserve reserved} before the store is touched and
 * {@link Reservation#rollback rolled back} if the store refuses it. A charge outlives a record that
 * another sender replaced, so a sender's count is an upper bound of what it has stored.
 *
 * <p>Thread-safe (one lock). Costs: O(1) per reserve, plus O(charges of the sender) to drop expired charges
 * when a sender reaches a limit. Memory: O(charges), at most {@code maxTracked} ledgers of at most
 * {@code maxCount} charges each.
 */
final class SenderQuota {
    private final String what;
    private final int maxCountPerPeer;
    private final long maxBytesPerPeer;
    private final int maxCountPerGroup;
    private final long maxBytesPerGroup;
    private final long ttlMillis;
    private final Clock clock;
    private final Map<Object, Ledger> ledgers;

    /** The charges of one peer or one IP group. */
    private static final class Ledger {
        final Map<ByteBuffer, Charge> charges = new HashMap<>();
        long bytes;

        void put(ByteBuffer key, Charge c) {
            Charge old = c == null ? charges.remove(key) : charges.put(key, c);
            bytes += (c == null ? 0 : c.bytes) - (old == null ? 0 : old.bytes);
        }

        void dropExpired(long now) {
            charges.values().removeIf(c -> {
                if (c.expiresAtMillis <= now) {
                    bytes -= c.bytes;
                    return true;
                }
                return false;
            });
        }
    }

    private record Charge(long bytes, long expiresAtMillis) {
    }

    /** A write charged to its sender; undo it with {@link #rollback} if the store did not keep it. */
    final class Reservation {
        private final Ledger peer;
        private final Ledger group;
        private final ByteBuffer key;
        private final Charge previousOfPeer;
        private final Charge previousOfGroup;

        private Reservation(Ledger peer, Ledger group, ByteBuffer key, Charge previousOfPeer, Charge previousOfGroup) {
            this.peer = peer;
            this.group = group;
            this.key = key;
            this.previousOfPeer = previousOfPeer;
            this.previousOfGroup = previousOfGroup;
        }

        /** Restores the charges as they were before this write. */
        void rollback() {
            synchronized (SenderQuota.this) {
                peer.put(key, previousOfPeer);
                if (group != null) {
                    group.put(key, previousOfGroup);
                }
            }
        }
    }

    SenderQuota(String what, int maxCountPerPeer, long maxBytesPerPeer, int maxCountPerGroup, long maxBytesPerGroup,
                Duration ttl, Clock clock, int maxTracked) {
        this.what = what;
        this.maxCountPerPeer = maxCountPerPeer;
        this.maxBytesPerPeer = maxBytesPerPeer;
        this.maxCountPerGroup = maxCountPerGroup;
        this.maxBytesPerGroup = maxBytesPerGroup;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        this.ledgers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Ledger> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /**
     * Charges {@code bytes} under {@code key} to {@code peer} and, unless exempt, to {@code group},
     * replacing their earlier charge for the same key.
     *
     * @throws KadRequestRejectedException with {@link Reason#PEER_QUOTA_EXCEEDED} or
     *         {@link Reason#IP_GROUP_QUOTA_EXCEEDED}, charging nothing, if a limit would be exceeded
     */
    synchronized Reservation reserve(PeerId peer, IpGroup group, byte[] key, long bytes) {
        long now = clock.millis();
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        Charge charge = new Charge(bytes, now + ttlMillis);
        Ledger p = ledgers.computeIfAbsent(peer, x -> new Ledger());
        check(p, k, bytes, now, maxCountPerPeer, maxBytesPerPeer, Reason.PEER_QUOTA_EXCEEDED, "peer " + peer);
        Ledger g = null;
        if (!group.isExempt()) {
            g = ledgers.computeIfAbsent(group, x -> new Ledger());
            check(g, k, bytes, now, maxCountPerGroup, maxBytesPerGroup, Reason.IP_GROUP_QUOTA_EXCEEDED,
                    "IP group " + group.value() + " (peer " + peer + ")");
        }
        Charge previousOfPeer = p.charges.get(k);
        p.put(k, charge);
        Charge previousOfGroup = null;
        if (g != null) {
            previousOfGroup = g.charges.get(k);
            g.put(k, charge);
        }
        return new Reservation(p, g, k, previousOfPeer, previousOfGroup);
    }

    private void check(Ledger l, ByteBuffer key, long bytes, long now, int maxCount, long maxBytes, Reason reason,
                       String sender) {
        if (fits(l, key, bytes, maxCount, maxBytes)) {
            return;
        }
        l.dropExpired(now);
        if (!fits(l, key, bytes, maxCount, maxBytes)) {
            throw new KadRequestRejectedException(reason, what + " quota of " + sender + " exhausted: "
                    + l.charges.size() + " of " + maxCount + " entries, " + l.bytes + " of " + maxBytes
                    + " bytes held, " + bytes + " more asked");
        }
    }

    private static boolean fits(Ledger l, ByteBuffer key, long bytes, int maxCount, long maxBytes) {
        Charge old = l.charges.get(key);
        int count = l.charges.size() + (old == null ? 1 : 0);
        long total = l.bytes + bytes - (old == null ? 0 : old.bytes);
        return count <= maxCount && total <= maxBytes;
    }
}
