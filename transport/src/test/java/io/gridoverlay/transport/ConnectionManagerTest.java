package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.transport.ConnectionManager.Candidate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection manager's choice of connections to trim ({@link ConnectionManager#selectToTrim}), on
 * candidates described by hand at a fixed instant: no sockets, no clock that moves.
 */
class ConnectionManagerTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final ConnectionManager manager = new ConnectionManager(ConnectionLimits.builder()
            .lowWater(1).highWater(2).gracePeriod(GRACE).build(), new ManualClock(NOW), List::of);

    private static PeerId peer() {
        return Ed25519.generate().privateKey().peerId();
    }

    private static InetSocketAddress from(String ip) {
        return new InetSocketAddress(ip, 4001);
    }

    /** An inbound connection, an hour old, without application exchange or stream. */
    private static Candidate<String> plain(String name, String ip) {
        return new Candidate<>(name, peer(), false, NOW.minus(Duration.ofHours(1)), null, 0, from(ip));
    }

    private static Candidate<String> with(Candidate<String> c, boolean outbound, Instant openedAt,
                                          Instant lastExchange, int streams) {
        return new Candidate<>(c.handle(), c.peer(), outbound, openedAt, lastExchange, streams, c.remote());
    }

    @Test
    void connectionsFromOneCrowdedAddressGoBeforeALoneHonestOne() {
        List<Candidate<String>> live = new ArrayList<>();
        Candidate<String> honest = plain("honest", "10.0.0.1");
        live.add(honest);
        for (int i = 0; i < 5; i++) {
            // busy with idle streams, and younger than the honest connection
            Candidate<String> a = plain("attacker" + i, "192.0.2.7");
            live.add(with(a, false, NOW.minus(Duration.ofMinutes(30)), null, 8));
        }
        assertThat(manager.selectToTrim(live, 5, NOW)).containsExactlyInAnyOrder(
                "attacker0", "attacker1", "attacker2", "attacker3", "attacker4");
    }

    @Test
    void aRecentApplicationExchangeOutscoresIdleness() {
        Candidate<String> useful = with(plain("useful", "10.0.0.1"), false, NOW.minus(Duration.ofHours(2)),
                NOW.minus(Duration.ofMinutes(1)), 0);
        Candidate<String> stale = with(plain("stale", "10.0.0.2"), false, NOW.minus(Duration.ofHours(1)),
                NOW.minus(ConnectionManager.RECENT_EXCHANGE).minusSeconds(1), 0);
        Candidate<String> never = plain("never", "10.0.0.3");
        // oldest first would pick "useful"; by score it is the last to go
        assertThat(manager.selectToTrim(List.of(useful, stale, never), 2, NOW)).containsExactly("never", "stale");
    }

    @Test
    void youngConnectionsWithoutExchangeGoBeforeOldOnes() {
        Candidate<String> old = plain("old", "10.0.0.1");
        Candidate<String> young = with(plain("young", "10.0.0.2"), false, NOW.minus(Duration.ofMinutes(1)), null, 0);
        assertThat(manager.selectToTrim(List.of(old, young), 1, NOW)).containsExactly("young");
    }

    @Test
    void outboundConnectionsOutscoreInboundOnes() {
        Candidate<String> dialled = with(plain("dialled", "10.0.0.1"), true, NOW.minus(Duration.ofHours(2)), null, 0);
        Candidate<String> inbound = plain("inbound", "10.0.0.2");
        assertThat(manager.selectToTrim(List.of(dialled, inbound), 1, NOW)).containsExactly("inbound");
    }

    @Test
    void tagsRaiseAPeersScoreAndGoWithItsLastConnection() {
        Candidate<String> tagged = plain("tagged", "10.0.0.1");
        Candidate<String> other = with(plain("other", "10.0.0.2"), true, NOW.minus(Duration.ofHours(2)), null, 0);
        assertThat(manager.selectToTrim(List.of(tagged, other), 1, NOW)).containsExactly("tagged");
        manager.tagPeer(tagged.peer(), "kad", 15);
        manager.upsertTag(tagged.peer(), "app", v -> v + 10);
        assertThat(manager.tagValue(tagged.peer())).isEqualTo(25);
        assertThat(manager.selectToTrim(List.of(tagged, other), 1, NOW)).containsExactly("other");
        manager.untagPeer(tagged.peer(), "app");
        assertThat(manager.tagValue(tagged.peer())).isEqualTo(15);
        manager.peerDisconnected(tagged.peer());
        assertThat(manager.tagValue(tagged.peer())).isZero();
    }

    @Test
    void groupTagsFollowTheirOwnersMembershipAcrossReconnectsUntilRemoved() throws Exception {
        Candidate<String> member = plain("member", "10.0.0.1");
        Candidate<String> other = with(plain("other", "10.0.0.2"), true, NOW.minus(Duration.ofHours(2)), null, 0);
        java.util.Set<io.gridoverlay.core.identity.PeerId> table = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AutoCloseable kbucket = manager.tagPeers("kbucket", 15, table::contains);
        assertThat(manager.selectToTrim(List.of(member, other), 1, NOW)).containsExactly("member");
        table.add(member.peer());
        assertThat(manager.tagValue(member.peer())).isEqualTo(15);
        assertThat(manager.selectToTrim(List.of(member, other), 1, NOW)).containsExactly("other");
        manager.peerDisconnected(member.peer()); // per-peer tags go with the last connection; membership stays
        assertThat(manager.tagValue(member.peer())).isEqualTo(15);
        manager.tagPeer(member.peer(), "app", 2);
        assertThat(manager.tagValue(member.peer())).isEqualTo(17);
        table.remove(member.peer());
        assertThat(manager.tagValue(member.peer())).isEqualTo(2);
        table.add(member.peer());
        kbucket.close();
        assertThat(manager.tagValue(member.peer())).isEqualTo(2);
    }

    @Test
    void protectedPeersAreNeverTrimmed() {
        Candidate<String> weak = with(plain("weak", "192.0.2.7"), false, NOW.minus(Duration.ofHours(1)), null, 0);
        Candidate<String> sibling = plain("sibling", "192.0.2.7");
        Candidate<String> strong = with(plain("strong", "10.0.0.1"), true, NOW.minus(Duration.ofHours(1)),
                NOW.minusSeconds(5), 0);
        manager.protect(weak.peer(), "bootstrap");
        manager.protect(weak.peer(), "app");
        assertThat(manager.selectToTrim(List.of(weak, sibling, strong), 3, NOW)).containsExactly("sibling", "strong");
        assertThat(manager.unprotect(weak.peer(), "app")).isTrue();
        assertThat(manager.unprotect(weak.peer(), "bootstrap")).isFalse();
        assertThat(manager.isProtected(weak.peer())).isFalse();
        assertThat(manager.selectToTrim(List.of(weak, sibling, strong), 1, NOW)).containsExactly("weak");
    }

    @Test
    void connectionsWithinTheirGracePeriodAreNeverTrimmed() {
        Candidate<String> fresh = with(plain("fresh", "192.0.2.7"), false, NOW.minus(GRACE).plusMillis(1), null, 0);
        Candidate<String> justPast = with(plain("justPast", "10.0.0.1"), true, NOW.minus(GRACE), NOW, 0);
        assertThat(manager.selectToTrim(List.of(fresh, justPast), 2, NOW)).containsExactly("justPast");
    }

    @Test
    void amongEqualScoresConnectionsWithoutStreamsThenTheOldestGoFirst() {
        Instant t = NOW.minus(Duration.ofHours(3));
        Candidate<String> busyOld = with(plain("busyOld", "10.0.0.1"), false, t, null, 1);
        Candidate<String> idleNew = with(plain("idleNew", "10.0.0.2"), false, t.plusSeconds(2), null, 0);
        Candidate<String> idleOld = with(plain("idleOld", "10.0.0.3"), false, t.plusSeconds(1), null, 0);
        assertThat(manager.selectToTrim(List.of(busyOld, idleNew, idleOld), 3, NOW))
                .containsExactly("idleOld", "idleNew", "busyOld");
    }

    @Test
    void nothingIsChosenWithoutExcess() {
        assertThat(manager.selectToTrim(List.of(plain("a", "10.0.0.1")), 0, NOW)).isEmpty();
    }
}
