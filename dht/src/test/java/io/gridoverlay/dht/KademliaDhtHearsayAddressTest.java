package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestHandler;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Where the routing table takes a peer's addresses from: first-hand (Identify, {@link KademliaDht#addPeer})
 * wins over what a third party listed for the peer in its closer peers (hearsay).
 */
class KademliaDhtHearsayAddressTest {

    private static PeerId peerId(int seed) {
        byte[] s = new byte[Ed25519.SEED_LENGTH];
        s[0] = (byte) seed;
        s[2] = 77;
        return Ed25519.fromSeed(s).publicKey().peerId();
    }

    private static PeerInfo at(PeerId id, String address) {
        return new PeerInfo(id, List.of(Multiaddr.parse(address)));
    }

    /** Answers each request from a script; {@code onSend} runs first, as Identify does on a new connection. */
    private static final class ScriptedNetwork implements KadNetwork {
        final PeerId self = peerId(0);
        final Map<PeerId, List<PeerInfo>> closerPeers = new HashMap<>();
        final Map<PeerId, Runnable> onSend = new HashMap<>();
        final List<PeerInfo> dialed = new ArrayList<>();

        @Override
        public CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout) {
            dialed.add(peer);
            onSend.getOrDefault(peer.peerId(), () -> { }).run();
            return CompletableFuture.completedFuture(KadResponse.findNode(request.key(),
                    closerPeers.getOrDefault(peer.peerId(), List.of())));
        }

        @Override
        public void setRequestHandler(KadRequestHandler handler) {
        }

        @Override
        public PeerId self() {
            return self;
        }
    }

    private static List<Multiaddr> addressesInTable(KademliaDht dht, PeerId peer) {
        return dht.localClosestPeers(KademliaDht.keyOf(peer), 1).stream().filter(p -> p.peerId().equals(peer))
                .findFirst().map(PeerInfo::addresses).orElse(List.of());
    }

    @Test
    void thirdPartyCannotRewriteTheAddressesOfAnAnsweringPeer() {
        // regression (issue 14, finding 9): a peer that answered a lookup entered the table with the addresses
        // another peer had listed for it, replacing the ones Identify had given, and was served on that way
        KademliaDhtRepublishTest.ManualScheduler clock = new KademliaDhtRepublishTest.ManualScheduler();
        ScriptedNetwork net = new ScriptedNetwork();
        KademliaDht dht = KademliaDht.builder(net).config(io.gridoverlay.dht.DhtConfig.builder().refreshInterval(Duration.ZERO).routing(RoutingTableConfig.builder().noDiversityLimits().build()).build()).scheduler(clock).build();
        PeerId liar = peerId(1);
        PeerId victim = peerId(2);
        PeerId stranger = peerId(3);
        PeerInfo victimFirstHand = at(victim, "/ip4/198.51.100.2/tcp/4001");
        dht.addPeer(at(liar, "/ip4/198.51.100.1/tcp/4001"), true);
        net.closerPeers.put(liar, List.of(at(victim, "/ip4/203.0.113.66/tcp/4001"),
                at(stranger, "/ip4/203.0.113.77/tcp/4001")));
        // dialing the victim opens a connection, on which Identify reports its own addresses first
        net.onSend.put(victim, () -> dht.addPeer(victimFirstHand, true));

        CompletableFuture<LookupResult> lookup = dht.findClosestPeers("some key".getBytes());
        clock.runUntil(clock.now + Duration.ofSeconds(30).toNanos());
        assertThat(lookup).isCompleted();
        assertThat(net.dialed).extracting(PeerInfo::peerId).contains(victim, stranger);

        assertThat(addressesInTable(dht, victim)).as("first-hand addresses kept")
                .containsExactlyElementsOf(victimFirstHand.addresses());
        // hearsay may still introduce a peer the table did not hold ...
        assertThat(addressesInTable(dht, stranger)).containsExactly(Multiaddr.parse("/ip4/203.0.113.77/tcp/4001"));
        // ... until it is learned first-hand
        dht.addPeer(at(stranger, "/ip4/198.51.100.3/tcp/4001"), true);
        clock.runUntil(clock.now + 1);
        assertThat(addressesInTable(dht, stranger)).containsExactly(Multiaddr.parse("/ip4/198.51.100.3/tcp/4001"));
        dht.close();
    }
}
