package io.gridoverlay.transport;

import io.gridoverlay.core.identity.PeerId;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection manager of a {@link Host}, after go-libp2p's {@code connmgr}: when more than
 * {@link ConnectionLimits#highWater()} connections are open it closes the lowest-scoring ones down to
 * {@link ConnectionLimits#lowWater()}. A connection younger than {@link ConnectionLimits#gracePeriod()} and
 * every connection to a {@linkplain #protect protected} peer is never closed by it.
 *
 * <p>Score of a connection (higher survives; a snapshot taken at each trim):
 * <table>
 *   <caption>score terms</caption>
 *   <tr><th>term</th><th>value</th></tr>
 *   <tr><td>peer's tags ({@link #tagPeer})</td><td>sum of their values</td></tr>
 *   <tr><td>this host dialled the peer</td><td>+{@value #OUTBOUND_BONUS}</td></tr>
 *   <tr><td>an application exchange (data both ways on one stream of a protocol other than Identify and
 *       Ping) within {@link #RECENT_EXCHANGE}</td><td>+{@value #RECENT_EXCHANGE_BONUS}</td></tr>
 *   <tr><td>never an application exchange</td><td>−{@value #NO_EXCHANGE_PENALTY}, and another
 *       −{@value #YOUNG_PENALTY} while younger than {@link #YOUNG}</td></tr>
 *   <tr><td>each other connection from the same IP address (IPv6: /64)</td><td>−{@value #SAME_IP_PENALTY}</td></tr>
 *   <tr><td>each other connection from the same /24 (IPv6: /48)</td><td>−{@value #SAME_SUBNET_PENALTY}</td></tr>
 * </table>
 * Open streams earn nothing (an idle stream costs a peer nothing to hold); among equal scores connections
 * without application streams go first, then the oldest. Loopback addresses are grouped like others here:
 * the penalties only order connections, they refuse none.
 *
 * <p>Tags and protections are this host's own judgement of a peer (a DHT tags its routing table peers, an
 * application protects its bootstrap nodes); no remote peer can set them. A peer's tags are dropped when its
 * last connection closes (as go-libp2p does); protections stay until {@link #unprotect}ed.
 *
 * <p>Thread-safe. Tag and protection calls are O(1); a trim is O(n log n) in the open connections, one at a
 * time.
 */
public final class ConnectionManager {
    /** Score bonus of a connection this host dialled. */
    public static final int OUTBOUND_BONUS = 10;
    /** Score bonus of a connection with an application exchange within {@link #RECENT_EXCHANGE}. */
    public static final int RECENT_EXCHANGE_BONUS = 20;
    /** Score penalty of a connection that never carried an application exchange. */
    public static final int NO_EXCHANGE_PENALTY = 10;
    /** Further penalty of such a connection while it is younger than {@link #YOUNG}. */
    public static final int YOUNG_PENALTY = 5;
    /** Score penalty per other connection from the same IP address group. */
    public static final int SAME_IP_PENALTY = 5;
    /** Score penalty per other connection from the same subnet. */
    public static final int SAME_SUBNET_PENALTY = 1;
    /** How long an application exchange counts as recent. */
    public static final Duration RECENT_EXCHANGE = Duration.ofMinutes(5);
    /** Age below which a connection without an application exchange counts as young. */
    public static final Duration YOUNG = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);

    private final ConnectionLimits limits;
    private final Clock clock;
    private final Map<PeerId, Map<String, Integer>> tags = new ConcurrentHashMap<>();
    private final Map<PeerId, Set<String>> protections = new ConcurrentHashMap<>();
    /** Tags computed when scoring: membership decided by their owner (e.g. a DHT's routing table). */
    private final List<GroupTag> groupTags = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object trimLock = new Object();
    private final Supplier<List<Connection>> connections;

    /** A manager of the connections {@code connections} lists (the host's registry, a snapshot per call). */
    ConnectionManager(ConnectionLimits limits, Clock clock, Supplier<List<Connection>> connections) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /** The clock of grace periods and traffic recency. */
    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ protection

    /** Never trims connections to {@code peer} while at least one tag protects it. */
    public void protect(PeerId peer, String tag) {
        Objects.requireNonNull(tag, "tag");
        protections.computeIfAbsent(Objects.requireNonNull(peer, "peer"), p -> ConcurrentHashMap.newKeySet()).add(tag);
    }

    /** Removes the protection {@code tag}; returns whether {@code peer} is still protected by another tag. */
    public boolean unprotect(PeerId peer, String tag) {
        Set<String> left = protections.computeIfPresent(peer, (p, s) -> {
            s.remove(tag);
            return s.isEmpty() ? null : s;
        });
        return left != null;
    }

    /** Whether any tag protects {@code peer}. */
    public boolean isProtected(PeerId peer) {
        return protections.containsKey(peer);
    }

    // ------------------------------------------------------------------ tags

    /** Sets the tag {@code tag} of {@code peer} to {@code value} (added to its connections' scores). */
    public void tagPeer(PeerId peer, String tag, int value) {
        upsertTag(peer, tag, old -> value);
    }

    /** Removes the tag {@code tag} from {@code peer}. */
    public void untagPeer(PeerId peer, String tag) {
        tags.computeIfPresent(peer, (p, m) -> {
            m.remove(tag);
            return m.isEmpty() ? null : m;
        });
    }

    /** Sets the tag {@code tag} of {@code peer} to {@code update(old)}, old being 0 when the tag is not set. */
    public void upsertTag(PeerId peer, String tag, IntUnaryOperator update) {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(update, "update");
        tags.compute(Objects.requireNonNull(peer, "peer"), (p, m) -> {
            Map<String, Integer> map = m == null ? new ConcurrentHashMap<>() : m;
            map.put(tag, update.applyAsInt(map.getOrDefault(tag, 0)));
            return map;
        });
    }

    /**
     * Adds {@code value} to the score of every peer {@code members} accepts, asked each time connections are
     * scored, so membership that outlives a connection (a routing-table entry) needs no re-tagging after a
     * reconnect and no untagging on removal. {@code members} must be thread-safe, fast and non-blocking (it
     * runs during trimming, on an event loop). Closing the returned handle removes the tag.
     *
     * <p>The DHT tags the peers of its routing table this way ({@code "kbucket"}, as go-libp2p-kad-dht does),
     * so that trimming keeps the connections its lookups start from.
     */
    public AutoCloseable tagPeers(String tag, int value, java.util.function.Predicate<PeerId> members) {
        GroupTag g = new GroupTag(Objects.requireNonNull(tag, "tag"), value, Objects.requireNonNull(members, "members"));
        groupTags.add(g);
        return () -> groupTags.remove(g);
    }

    private record GroupTag(String tag, int value, java.util.function.Predicate<PeerId> members) {
    }

    /** Sum of {@code peer}'s tag values, those set per peer and those of groups it belongs to (0 without). */
    public int tagValue(PeerId peer) {
        long sum = 0;
        for (GroupTag g : groupTags) {
            if (g.members().test(peer)) {
                sum += g.value();
            }
        }
        Map<String, Integer> m = tags.get(peer);
        if (m != null) {
            for (int v : m.values()) {
                sum += v;
            }
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
    }

    /** The peer's last connection closed: its tags go (its protections stay). */
    void peerDisconnected(PeerId peer) {
        tags.remove(peer);
    }

    // ------------------------------------------------------------------ scores and trimming

    /**
     * The trim score of connection {@code c} among the host's open connections (they make the address group
     * penalties); a snapshot. O(n) in the connections.
     */
    public int score(Connection c) {
        return score(c, connections.get());
    }

    /**
     * Trims now as the host does on every new connection and periodically: if more than the high watermark
     * are open, closes the lowest-scoring ones (outside their grace period, not protected) down to the low
     * watermark.
     *
     * @return how many connections this pass closes
     */
    public int trim() {
        return trim(connections.get()).size();
    }

    private int score(Connection c, List<Connection> among) {
        List<Candidate<Connection>> all = candidates(among);
        Instant now = clock.instant();
        GroupCounts counts = GroupCounts.of(all);
        for (Candidate<Connection> k : all) {
            if (k.handle() == c) {
                return score(k, counts, now);
            }
        }
        return score(candidate(c), counts, now);
    }

    /**
     * Closes the lowest-scoring connections of {@code live} beyond the low watermark when more than the high
     * watermark are open; marks each closed one {@code trimmed}. One pass at a time: connections already
     * being closed count neither toward the watermarks nor as candidates.
     *
     * @return the connections closed by this pass
     */
    private List<Connection> trim(List<Connection> open) {
        synchronized (trimLock) {
            List<Connection> live = open.stream().filter(c -> c.isOpen() && !c.trimmed).toList();
            if (live.size() <= limits.highWater()) {
                return List.of();
            }
            List<Connection> chosen = selectToTrim(candidates(live), live.size() - limits.lowWater(), clock.instant());
            for (Connection c : chosen) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("trimming {} (score {})", c, score(c, live));
                }
                c.trimmed = true;
                c.close();
            }
            return chosen;
        }
    }

    private List<Candidate<Connection>> candidates(List<Connection> connections) {
        List<Candidate<Connection>> out = new ArrayList<>(connections.size());
        for (Connection c : connections) {
            out.add(candidate(c));
        }
        return out;
    }

    private Candidate<Connection> candidate(Connection c) {
        return new Candidate<>(c, c.remotePeer(), c.direction() == Connection.Direction.OUTBOUND, c.openedAt(),
                c.lastApplicationExchange(), c.applicationStreamCount(), c.remoteSocketAddress());
    }

    /**
     * The connections to close: at most {@code excess} of {@code live}, lowest score first, never a protected
     * peer's and never one within its grace period. Pure; O(n log n).
     */
    <C> List<C> selectToTrim(List<Candidate<C>> live, int excess, Instant now) {
        if (excess <= 0) {
            return List.of();
        }
        GroupCounts counts = GroupCounts.of(live);
        Instant graceLimit = now.minus(limits.gracePeriod());
        record Scored<C>(Candidate<C> candidate, int score) {}
        List<Scored<C>> eligible = new ArrayList<>();
        for (Candidate<C> k : live) {
            if (!k.openedAt().isAfter(graceLimit) && !isProtected(k.peer())) {
                eligible.add(new Scored<>(k, score(k, counts, now)));
            }
        }
        eligible.sort(Comparator.<Scored<C>>comparingInt(Scored::score)
                .thenComparingInt(s -> s.candidate().applicationStreams())
                .thenComparing(s -> s.candidate().openedAt()));
        List<C> chosen = new ArrayList<>();
        for (int i = 0; i < eligible.size() && i < excess; i++) {
            chosen.add(eligible.get(i).candidate().handle());
        }
        return chosen;
    }

    private <C> int score(Candidate<C> k, GroupCounts counts, Instant now) {
        long score = tagValue(k.peer());
        if (k.outbound()) {
            score += OUTBOUND_BONUS;
        }
        if (k.lastExchange() == null) {
            score -= NO_EXCHANGE_PENALTY;
            if (k.openedAt().isAfter(now.minus(YOUNG))) {
                score -= YOUNG_PENALTY;
            }
        } else if (k.lastExchange().isAfter(now.minus(RECENT_EXCHANGE))) {
            score += RECENT_EXCHANGE_BONUS;
        }
        PendingHandshakes.AddressGroup ip = ipGroup(k.remote());
        if (ip != null) {
            score -= (long) SAME_IP_PENALTY * (counts.perIp.getOrDefault(ip, 1) - 1);
            score -= (long) SAME_SUBNET_PENALTY * (counts.perSubnet.getOrDefault(EstablishedPerAddress.subnet(ip), 1) - 1);
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, score));
    }

    private static PendingHandshakes.AddressGroup ipGroup(SocketAddress remote) {
        return remote instanceof InetSocketAddress s && s.getAddress() != null
                ? PendingHandshakes.AddressGroup.of(s.getAddress()) : null;
    }

    /**
     * What trimming knows of one connection. {@code lastExchange} is null when the connection never carried
     * an application exchange; {@code remote} may be null (not an IP socket).
     */
    record Candidate<C>(C handle, PeerId peer, boolean outbound, Instant openedAt, Instant lastExchange,
                        int applicationStreams, SocketAddress remote) {}

    /** Connections per IP address group and per subnet among the candidates. */
    private record GroupCounts(Map<PendingHandshakes.AddressGroup, Integer> perIp,
                               Map<PendingHandshakes.AddressGroup, Integer> perSubnet) {
        static <C> GroupCounts of(List<Candidate<C>> all) {
            Map<PendingHandshakes.AddressGroup, Integer> ip = new HashMap<>();
            Map<PendingHandshakes.AddressGroup, Integer> subnet = new HashMap<>();
            for (Candidate<C> k : all) {
                PendingHandshakes.AddressGroup g = ipGroup(k.remote());
                if (g != null) {
                    ip.merge(g, 1, Integer::sum);
                    subnet.merge(EstablishedPerAddress.subnet(g), 1, Integer::sum);
                }
            }
            return new GroupCounts(ip, subnet);
        }
    }
}
