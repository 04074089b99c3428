package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyPair;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.protocol.StoreQuotaConfig;
import io.gridoverlay.dht.record.PublicKeyValidator;
import io.gridoverlay.transport.Host;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedder's entry point: one {@link DhtConfig} over a {@link Host}. */
class KademliaDhtOnHostTest {

    private static DhtConfig grid(DhtMode mode) {
        return DhtConfig.builder().protocol(DhtConfig.GRID_PROTOCOL).mode(mode).refreshInterval(Duration.ZERO).build();
    }

    @Test
    void autoModeServesOnAListeningHostAndOnlyAsksOnAHostThatListensNowhere() {
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().build()) {
            server.start().join();
            client.start().join();
            try (KademliaDht s = KademliaDht.onHost(server, grid(DhtMode.AUTO));
                 KademliaDht c = KademliaDht.onHost(client, grid(DhtMode.AUTO))) {
                assertThat(s.isServerMode()).isTrue();
                assertThat(s.config().mode()).isEqualTo(DhtMode.SERVER);
                assertThat(server.protocols()).contains(DhtConfig.GRID_PROTOCOL);
                assertThat(c.isServerMode()).isFalse();
                assertThat(client.protocols()).doesNotContain(DhtConfig.GRID_PROTOCOL);

                // the client finds the server through the one protocol id stated in the config
                c.bootstrap(List.of(new PeerInfo(server.peerId(), server.listenAddresses())))
                        .orTimeout(20, TimeUnit.SECONDS).join();
                assertThat(c.routingTableSize()).isEqualTo(1);
                // the server learned the client is no DHT server: the binding offers only peers listing the protocol
                assertThat(s.routingTableSize()).isZero();
            }
        }
    }

    /**
     * Trimming spares routing-table peers: the DHT tags them in the host's connection manager
     * ({@link KademliaDht#KBUCKET_TAG}); a connected peer outside the table has no such tag, and the tag goes
     * with the DHT.
     */
    @Test
    void routingTablePeersAreTaggedInTheConnectionManager() {
        try (Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host plain = Host.builder().build()) {
            a.start().join();
            b.start().join();
            plain.start().join();
            KademliaDht da = KademliaDht.onHost(a, grid(DhtMode.SERVER));
            try (KademliaDht db = KademliaDht.onHost(b, grid(DhtMode.SERVER))) {
                db.bootstrap(List.of(new PeerInfo(a.peerId(), a.listenAddresses()))).orTimeout(20, TimeUnit.SECONDS).join();
                io.gridoverlay.testing.Conditions.waitUntil(() -> da.inRoutingTable(b.peerId()));
                plain.dial(a.listenAddresses().get(0).encapsulate("/p2p/" + a.peerId().toBase58()))
                        .orTimeout(10, TimeUnit.SECONDS).join();
                assertThat(a.connectionManager().tagValue(b.peerId())).isEqualTo(KademliaDht.KBUCKET_TAG_VALUE);
                assertThat(da.inRoutingTable(plain.peerId())).isFalse();
                assertThat(a.connectionManager().tagValue(plain.peerId())).isZero();
                da.close();
                assertThat(a.connectionManager().tagValue(b.peerId())).as("closing the DHT removes its tag").isZero();
            }
        }
    }

    @Test
    void closeStopsServingTheProtocolAndLeavesTheHostOpen() {
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            host.start().join();
            KademliaDht dht = KademliaDht.onHost(host, grid(DhtMode.SERVER));
            assertThat(host.protocols()).contains(DhtConfig.GRID_PROTOCOL);
            dht.close();
            dht.close(); // idempotent
            assertThat(host.protocols()).doesNotContain(DhtConfig.GRID_PROTOCOL);
            // the host is still usable: a new DHT can take its place
            try (KademliaDht again = KademliaDht.onHost(host, grid(DhtMode.SERVER))) {
                assertThat(host.protocols()).contains(DhtConfig.GRID_PROTOCOL);
                assertThat(again.isServerMode()).isTrue();
            }
        }
    }

    @Test
    void invalidConfigurationIsRefusedWithTheValueNamed() {
        assertThatThrownBy(() -> DhtConfig.builder().protocol("grid-kad").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grid-kad");
        assertThatThrownBy(() -> DhtConfig.builder().quorum(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quorum");
        assertThatThrownBy(() -> DhtConfig.builder().refreshInterval(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intervals");
    }

    /** A valid {@code /pk/} record: the key of a fresh peer id and its public key. */
    private static byte[][] freshPublicKeyRecord() {
        KeyPair kp = Ed25519.generate();
        return new byte[][] {PublicKeyValidator.keyFor(kp.privateKey().peerId()), kp.privateKey().publicKey().encode()};
    }

    /**
     * The per-sender store quotas reach the server's request handler from {@link DhtConfig#storeQuota()}
     * (they could be set only on a hand-built {@code KadServer} before): with one record per peer, the
     * client's second PUT_VALUE over TCP is refused; with the defaults both are stored.
     */
    @Test
    void storeQuotaFromTheConfigBoundsWhatOneSenderStoresOverTcp() {
        assertThat(DhtConfig.defaults().storeQuota()).isEqualTo(StoreQuotaConfig.defaults());
        StoreQuotaConfig onePerPeer = StoreQuotaConfig.builder().maxRecordsPerPeer(1).build();
        DhtConfig quoted = grid(DhtMode.SERVER).toBuilder().storeQuota(onePerPeer).build();
        assertThat(quoted.toBuilder().build().storeQuota()).isEqualTo(onePerPeer);
        assertThat(storedOfTwoPuts(quoted)).containsExactly(1, 0);
        assertThat(storedOfTwoPuts(grid(DhtMode.SERVER))).containsExactly(1, 1);
    }

    /** How many remote peers stored each of two PUT_VALUEs from one client to a lone server configured so. */
    private static List<Integer> storedOfTwoPuts(DhtConfig serverConfig) {
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().build()) {
            server.start().join();
            client.start().join();
            try (KademliaDht s = KademliaDht.onHost(server, serverConfig);
                 KademliaDht c = KademliaDht.onHost(client, grid(DhtMode.CLIENT))) {
                c.bootstrap(List.of(new PeerInfo(server.peerId(), server.listenAddresses())))
                        .orTimeout(20, TimeUnit.SECONDS).join();
                byte[][] first = freshPublicKeyRecord();
                byte[][] second = freshPublicKeyRecord();
                int a = c.putValue(first[0], first[1]).orTimeout(20, TimeUnit.SECONDS).join();
                int b = c.putValue(second[0], second[1]).orTimeout(20, TimeUnit.SECONDS).join();
                return List.of(a, b);
            }
        }
    }
}
