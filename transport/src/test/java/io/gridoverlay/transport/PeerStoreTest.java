package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expiry of peer-store entries on a fake clock (no sleeping): idle peers go, connected peers stay. */
class PeerStoreTest {
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Multiaddr ADDR = Multiaddr.parse("/ip4/10.0.0.2/tcp/4001");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final PeerStore store = PeerStore.builder().idleRetention(RETENTION).clock(clock).build();
    private final PeerId peer = Ed25519.generate().privateKey().peerId();

    private void identify() {
        store.setIdentified(peer, Ed25519.generate().publicKey(), List.of("/ipfs/id/1.0.0"), "test/1");
    }

    @Test
    void anEntryWithoutAddressesOrConnectionsGoesRetentionAfterItsLastUpdate() {
        identify();
        clock.advance(RETENTION.minusSeconds(1));
        assertThat(store.contains(peer)).isTrue();
        assertThat(store.agentVersion(peer)).contains("test/1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.contains(peer)).isFalse();
        assertThat(store.protocols(peer)).isEmpty();
        assertThat(store.agentVersion(peer)).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void anEntryLivesRetentionBeyondItsLastAddress() {
        store.addAddresses(peer, List.of(ADDR), PeerStore.TEMPORARY_TTL);
        identify();
        clock.advance(PeerStore.TEMPORARY_TTL);
        assertThat(store.addresses(peer)).as("the address expired").isEmpty();
        clock.advance(RETENTION.minusSeconds(1));
        assertThat(store.protocols(peer)).as("kept: within retention after the address expired").isNotEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.contains(peer)).isFalse();
    }

    @Test
    void updatesExtendAnEntryButReadsDoNot() {
        identify();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(store.protocols(peer)).isNotEmpty();
        }
        clock.advance(Duration.ofMinutes(9));
        identify(); // at 59 min: a new update
        clock.advance(RETENTION.minusSeconds(1));
        assertThat(store.contains(peer)).isTrue();
        for (int i = 0; i < 3; i++) {
            store.addresses(peer); // reads, pruning nothing new, do not extend it
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.contains(peer)).isFalse();
    }

    @Test
    void aConnectedPeerIsKeptAndExpiresRetentionAfterItsLastConnectionClosed() {
        store.connectionOpened(peer);
        store.connectionOpened(peer);
        identify();
        store.addAddresses(peer, List.of(ADDR), PeerStore.TEMPORARY_TTL);
        clock.advance(Duration.ofDays(10));
        assertThat(store.contains(peer)).as("connected for ten days").isTrue();
        assertThat(store.addresses(peer)).isEmpty();
        store.connectionClosed(peer);
        clock.advance(Duration.ofDays(1));
        assertThat(store.contains(peer)).as("one connection is still open").isTrue();
        store.connectionClosed(peer);
        clock.advance(RETENTION.minusSeconds(1));
        assertThat(store.protocols(peer)).isNotEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.contains(peer)).isFalse();
        store.connectionClosed(peer); // unbalanced: ignored
        assertThat(store.contains(peer)).isFalse();
    }

    @Test
    void aPeerReconnectingWithinRetentionIsKeptAgain() {
        store.connectionOpened(peer);
        identify();
        store.connectionClosed(peer);
        clock.advance(Duration.ofMinutes(59));
        store.connectionOpened(peer);
        clock.advance(Duration.ofHours(5));
        assertThat(store.protocols(peer)).containsExactly("/ipfs/id/1.0.0");
    }

    @Test
    void zeroRetentionDropsAnIdleEntryOnceItsAddressesExpired() {
        PeerStore s = PeerStore.builder().idleRetention(Duration.ZERO).clock(clock).build();
        s.addAddresses(peer, List.of(ADDR), Duration.ofMinutes(1));
        assertThat(s.addresses(peer)).containsExactly(ADDR);
        clock.advance(Duration.ofMinutes(1));
        assertThat(s.contains(peer)).isFalse();
    }

    @Test
    void aVeryLongAddressTtlDoesNotOverflow() {
        store.addAddresses(peer, List.of(ADDR), Duration.ofDays(365L * 1000));
        clock.advance(Duration.ofDays(365L * 100));
        assertThat(store.addresses(peer)).containsExactly(ADDR);
    }

    /**
     * Regression: the store bounded peers, not addresses, so 8,192 peers with 64 addresses each (identity
     * churn with Identify, or hearsay from DHT answers) held ≈ 114 MiB against the ≈ 12 MiB of the budget.
     */
    @Test
    void manyPeersWithManyAddressesStayWithinTheWeightBound() {
        PeerStore small = PeerStore.builder().maxPeers(100).clock(clock).build();
        java.util.List<PeerId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            PeerId p = Ed25519.generate().privateKey().peerId();
            ids.add(p);
            java.util.List<Multiaddr> addrs = new java.util.ArrayList<>();
            for (int a = 0; a < 64; a++) {
                addrs.add(Multiaddr.parse("/ip4/10.1." + i + "." + a + "/tcp/4001"));
            }
            small.addAddresses(p, addrs, Duration.ofMinutes(10));
        }
        long held = ids.stream().mapToLong(p -> small.addresses(p).size() + (small.contains(p) ? 1 : 0)).sum();
        assertThat(held).as("weight held (a peer weighs one plus its addresses)").isLessThanOrEqualTo(500);
        assertThat(small.size()).isLessThanOrEqualTo(8);
        // peers with few addresses: the bound keeps maxPeers of them
        PeerStore plain = PeerStore.builder().maxPeers(100).clock(clock).build();
        for (int i = 0; i < 100; i++) {
            plain.addAddresses(Ed25519.generate().privateKey().peerId(), java.util.List.of(ADDR), Duration.ofMinutes(10));
        }
        assertThat(plain.size()).isEqualTo(100);
    }

    @Test
    void builderRejectsBadValues() {
        assertThatThrownBy(() -> PeerStore.builder().maxPeers(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPeers");
        assertThatThrownBy(() -> PeerStore.builder().idleRetention(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleRetention");
        assertThatThrownBy(() -> Host.builder().peerIdleRetention(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peerIdleRetention");
    }
}
