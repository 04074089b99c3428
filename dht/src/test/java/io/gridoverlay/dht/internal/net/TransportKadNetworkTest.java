package io.gridoverlay.dht.internal.net;

import static io.gridoverlay.testing.Conditions.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.dht.internal.protocol.ClosestPeersSource;
import io.gridoverlay.dht.protocol.KadNetworkException;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.internal.protocol.KadServer;
import io.gridoverlay.dht.protocol.MessageType;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.PublicKeyValidator;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.HostListener;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamNegotiation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three real hosts on 127.0.0.1: a client-mode A and server-mode B and C, B knowing C. */
class TransportKadNetworkTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final List<AutoCloseable> closeables = new ArrayList<>();
    Host a;
    Host b;
    Host c;
    TransportKadNetwork netA;
    TransportKadNetwork netB;
    TransportKadNetwork netC;
    Node nodeB;
    Node nodeC;

    /** A server's state. */
    record Node(RoutingTable<PeerInfo> table, RecordStore records, ProviderStore providers) {
    }

    static PeerInfo infoOf(Host h) {
        return new PeerInfo(h.peerId(), h.listenAddresses());
    }

    Host host() {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        h.start().join();
        closeables.add(h);
        return h;
    }

    Node serve(Host h, TransportKadNetwork net) {
        RoutingTable<PeerInfo> table = new RoutingTable<>(Key.sha256(h.peerId().toBytes()),
                RoutingTableConfig.builder().noDiversityLimits().build());
        RecordStore records = new RecordStore(RecordStoreConfig.defaults(), Validators.defaults());
        ProviderStore providers = new ProviderStore(ProviderStoreConfig.defaults());
        net.setRequestHandler(KadServer.builder().self(() -> infoOf(h)).peers(ClosestPeersSource.of(table, table))
                .records(records).providers(providers).build());
        return new Node(table, records, providers);
    }

    @BeforeEach
    void start() {
        a = host();
        b = host();
        c = host();
        netA = TransportKadNetwork.builder(a).build();
        netB = TransportKadNetwork.builder(b).serverMode(true).build();
        netC = TransportKadNetwork.builder(c).serverMode(true).build();
        closeables.add(0, netA);
        closeables.add(0, netB);
        closeables.add(0, netC);
        nodeB = serve(b, netB);
        nodeC = serve(c, netC);
        synchronized (nodeB.table()) {
            nodeB.table().tryAdd(Key.sha256(c.peerId().toBytes()), infoOf(c), true, IpGroup.EXEMPT);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable x : closeables) {
            x.close();
        }
    }

    @Test
    void hearsayAddressesDoNotJoinTheAddressesOfAKnownPeer() {
        // regression (issue 14, finding 9): the addresses a lookup carried for a peer, listed by a third
        // party, were added to the peer store next to the ones learned from the peer itself
        assertThat(netA.send(infoOf(b), new KadRequest.Ping(), TIMEOUT).join().type()).isEqualTo(MessageType.PING);
        List<io.gridoverlay.core.encoding.Multiaddr> firstHand = a.peerStore().addresses(b.peerId());
        assertThat(firstHand).isNotEmpty();
        PeerInfo hearsay = new PeerInfo(b.peerId(),
                List.of(io.gridoverlay.core.encoding.Multiaddr.parse("/ip4/203.0.113.66/tcp/4001")));
        assertThat(netA.send(hearsay, new KadRequest.Ping(), TIMEOUT).join().type()).isEqualTo(MessageType.PING);
        assertThat(a.peerStore().addresses(b.peerId())).containsExactlyInAnyOrderElementsOf(firstHand);
    }

    @Test
    void findNodeReturnsThePeersTheServerKnows() {
        KadResponse r = netA.send(infoOf(b), KadRequest.FindNode.of(c.peerId()), TIMEOUT).join();
        assertThat(r.type()).isEqualTo(MessageType.FIND_NODE);
        assertThat(r.closerPeers()).containsExactly(infoOf(c));
        // and the answer is enough to reach C
        assertThat(netA.send(r.closerPeers().get(0), new KadRequest.Ping(), TIMEOUT).join().type())
                .isEqualTo(MessageType.PING);
    }

    @Test
    void putValueThenGetValue() {
        byte[] key = PublicKeyValidator.keyFor(a.peerId());
        KadRecord rec = KadRecord.of(key, a.config().identity().publicKey().encode());
        KadResponse put = netA.send(infoOf(c), new KadRequest.PutValue(rec), TIMEOUT).join();
        assertThat(put.record().orElseThrow().value()).isEqualTo(rec.value());
        KadResponse get = netA.send(infoOf(c), new KadRequest.GetValue(key), TIMEOUT).join();
        assertThat(get.record().orElseThrow().value()).isEqualTo(rec.value());
        assertThat(nodeC.records().get(key)).isPresent();
    }

    @Test
    void invalidPutFailsTheRequestAndStoresNothing() {
        byte[] key = PublicKeyValidator.keyFor(a.peerId());
        KadRecord wrong = KadRecord.of(key, b.config().identity().publicKey().encode());
        assertThatThrownBy(() -> netA.send(infoOf(c), new KadRequest.PutValue(wrong), TIMEOUT).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(KadNetworkException.class)
                .satisfies(e -> assertThat(((KadNetworkException) e.getCause()).kind())
                        .isEqualTo(KadNetworkException.Kind.STREAM_FAILED));
        assertThat(nodeC.records().get(key)).isEmpty();
    }

    @Test
    void addProviderThenGetProviders() {
        byte[] key = "some-content-hash".getBytes();
        KadResponse sent = netA.send(infoOf(b), new KadRequest.AddProvider(key, List.of(infoOf(a))), TIMEOUT).join();
        assertThat(sent.type()).isEqualTo(MessageType.ADD_PROVIDER);
        waitUntil(() -> !nodeB.providers().providers(key).isEmpty());
        KadResponse r = netA.send(infoOf(b), new KadRequest.GetProviders(key), TIMEOUT).join();
        assertThat(r.providers()).containsExactly(infoOf(a));
        assertThat(r.closerPeers()).containsExactly(infoOf(c));
    }

    @Test
    void clientModeDoesNotServe() {
        assertThat(a.protocols()).doesNotContain(TransportKadNetwork.DEFAULT_PROTOCOL);
        assertThat(b.protocols()).contains(TransportKadNetwork.DEFAULT_PROTOCOL);
        assertThatThrownBy(() -> netB.send(infoOf(a), new KadRequest.Ping(), TIMEOUT).join())
                .hasCauseInstanceOf(KadNetworkException.class)
                .satisfies(e -> assertThat(((KadNetworkException) e.getCause()).kind())
                        .isEqualTo(KadNetworkException.Kind.UNREACHABLE));
    }

    @Test
    void aSilentServerTimesOut() {
        Host d = host();
        TransportKadNetwork netD = TransportKadNetwork.builder(d).serverMode(true).handlerExecutor(task -> { }).build();
        closeables.add(0, netD);
        serve(d, netD);
        assertThatThrownBy(() -> netA.send(infoOf(d), new KadRequest.Ping(), Duration.ofMillis(500)).join())
                .hasCauseInstanceOf(KadNetworkException.class)
                .satisfies(e -> assertThat(((KadNetworkException) e.getCause()).kind())
                        .isEqualTo(KadNetworkException.Kind.TIMEOUT));
    }

    @Test
    void unreachablePeerFailsFast() {
        PeerInfo nobody = new PeerInfo(io.gridoverlay.core.identity.Ed25519.generate().privateKey().peerId(), List.of());
        assertThatThrownBy(() -> netA.send(nobody, new KadRequest.Ping(), TIMEOUT).join())
                .hasCauseInstanceOf(KadNetworkException.class)
                .satisfies(e -> assertThat(((KadNetworkException) e.getCause()).kind())
                        .isEqualTo(KadNetworkException.Kind.UNREACHABLE));
    }

    /** Records, for every Kad stream {@code h} opens, whether it was negotiated lazily. */
    static List<Boolean> kadStreamsOpened(Host h) {
        List<Boolean> lazy = new CopyOnWriteArrayList<>();
        h.addListener(new HostListener() {
            @Override
            public void streamOpened(Stream s) {
                if (s.isOutbound() && TransportKadNetwork.DEFAULT_PROTOCOL.equals(s.protocol())) {
                    lazy.add(s.isLazy());
                }
            }
        });
        return lazy;
    }

    /**
     * The first request over a fresh connection negotiates fully (Identify has not said yet that B speaks Kad);
     * once it has, every request goes lazily: the request follows the proposal without waiting for the echo.
     */
    @Test
    void requestsToAnIdentifiedKadServerNegotiateLazily() {
        List<Boolean> lazy = kadStreamsOpened(a);
        KadResponse first = netA.send(infoOf(b), KadRequest.FindNode.of(c.peerId()), TIMEOUT).join();
        assertThat(first.closerPeers()).containsExactly(infoOf(c));
        assertThat(lazy).containsExactly(false);
        a.connections(b.peerId()).get(0).identified().orTimeout(10, TimeUnit.SECONDS).join();
        for (int i = 0; i < 5; i++) {
            KadResponse r = netA.send(infoOf(b), KadRequest.FindNode.of(c.peerId()), TIMEOUT).join();
            assertThat(r.closerPeers()).containsExactly(infoOf(c));
        }
        assertThat(lazy).containsExactly(false, true, true, true, true, true);
        assertThat(a.connections(b.peerId())).hasSize(1);
    }

    @Test
    void fullNegotiationCanBeChosen() {
        TransportKadNetwork full = TransportKadNetwork.builder(a).streamNegotiation(StreamNegotiation.FULL).build();
        closeables.add(0, full);
        List<Boolean> lazy = kadStreamsOpened(a);
        full.send(infoOf(b), new KadRequest.Ping(), TIMEOUT).join();
        a.connections(b.peerId()).get(0).identified().orTimeout(10, TimeUnit.SECONDS).join();
        full.send(infoOf(b), new KadRequest.Ping(), TIMEOUT).join();
        assertThat(lazy).containsExactly(false, false);
    }

    /**
     * A peer the peer store wrongly lists as a Kad server (stale Identify) refuses the lazily proposed protocol:
     * the request fails as under full negotiation, as unreachable, and the connection survives.
     */
    @Test
    void aLazilyProposedProtocolThePeerRefusesFailsAsUnreachable() {
        Host d = host(); // serves no Kad
        a.peerStore().setIdentified(d.peerId(), d.config().identity().publicKey(),
                List.of(TransportKadNetwork.DEFAULT_PROTOCOL), "stale");
        List<Boolean> lazy = kadStreamsOpened(a);
        assertThatThrownBy(() -> netA.send(infoOf(d), KadRequest.FindNode.of(c.peerId()), TIMEOUT).join())
                .hasCauseInstanceOf(KadNetworkException.class)
                .satisfies(e -> assertThat(((KadNetworkException) e.getCause()).kind())
                        .isEqualTo(KadNetworkException.Kind.UNREACHABLE))
                .hasMessageContaining(TransportKadNetwork.DEFAULT_PROTOCOL);
        assertThat(lazy).containsExactly(true);
        assertThat(a.connections(d.peerId())).singleElement().satisfies(conn -> assertThat(conn.isOpen()).isTrue());
    }

}
