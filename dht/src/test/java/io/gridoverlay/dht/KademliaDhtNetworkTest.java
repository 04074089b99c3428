package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.transport.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A small DHT of real hosts on 127.0.0.1: lookups, values, providers through libp2p streams. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
class KademliaDhtNetworkTest {
    static final int N = 12;
    final List<Host> hosts = new ArrayList<>();
    final List<KademliaDht> dhts = new ArrayList<>();

    @BeforeAll
    void startNetwork() {
        for (int i = 0; i < N; i++) {
            Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
            h.start().join();
            // the embedder's entry point: one config over a host; the DHT owns its network and binding
            KademliaDht dht = KademliaDht.onHost(h, DhtConfig.builder()
                    .routing(RoutingTableConfig.builder().noDiversityLimits().build())
                    .refreshInterval(Duration.ZERO)
                    .build());
            hosts.add(h);
            dhts.add(dht);
        }
        // each node bootstraps from the previous one: a chain, which the self-lookups turn into a mesh
        for (int i = 1; i < N; i++) {
            Host prev = hosts.get(i - 1);
            dhts.get(i).bootstrap(List.of(new PeerInfo(prev.peerId(), prev.listenAddresses())))
                    .orTimeout(30, TimeUnit.SECONDS).join();
        }
        // a second round so that early nodes learn about late ones
        for (int i = 0; i < N; i++) {
            dhts.get(i).bootstrap(List.of()).orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @AfterAll
    void stopNetwork() {
        dhts.forEach(KademliaDht::close);
        hosts.forEach(Host::close);
    }

    @Test
    void lookupFromAnyNodeReturnsTheTrueClosestPeers() {
        byte[] key = "some key".getBytes(StandardCharsets.UTF_8);
        Key target = Key.sha256(key);
        for (int from = 0; from < N; from += 5) {
            LookupResult r = dhts.get(from).findClosestPeers(key).orTimeout(30, TimeUnit.SECONDS).join();
            PeerId self = hosts.get(from).peerId();
            List<PeerId> truth = hosts.stream().map(Host::peerId).filter(p -> !p.equals(self))
                    .sorted(Comparator.comparing(p -> KademliaDht.keyOf(p), target::compareDistance))
                    .limit(20).toList();
            assertThat(r.peers()).extracting(PeerInfo::peerId).containsExactlyElementsOf(truth);
            assertThat(r.stats().requests()).isPositive();
        }
    }

    @Test
    void putValueOnOneNodeGetValueOnAnother() {
        Host owner = hosts.get(3);
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(owner.peerId());
        byte[] value = owner.config().identity().publicKey().encode();
        int stored = dhts.get(3).putValue(key, value).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(stored).isGreaterThanOrEqualTo(N / 2);
        Optional<byte[]> got = dhts.get(N - 1).getValue(key).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void twoConflictingVersionsServedByDifferentPeersFailTheGetWithTheEquivocation() {
        io.gridoverlay.core.identity.PrivateKey owner = io.gridoverlay.core.identity.Ed25519.generate().privateKey();
        java.util.function.IntFunction<byte[]> version = memory -> io.gridoverlay.core.record.SignedDeployment.of(
                io.gridoverlay.core.record.Deployment.builder("twice", owner.publicKey(), hosts.get(0).peerId())
                        .addWorkload("vm", "zmachine", ("memory=" + memory).getBytes(StandardCharsets.UTF_8)).build())
                .sign(owner).toEnvelope(owner).toBytes();
        byte[] key = io.gridoverlay.core.record.DeploymentRecordValidator.keyFor(owner.publicKey().peerId(), "twice");
        byte[] a = version.apply(1);
        byte[] b = version.apply(2);
        // half the network holds one version 0, half the other, alternating by distance to the key: a lookup
        // stops once the closest peers have answered (not necessarily all 11), and the two closest always
        // disagree (with halves by index, a run whose closest answerers all held one version got that value)
        Key target = Key.sha256(key);
        List<Integer> byDistance = java.util.stream.IntStream.range(0, N).boxed()
                .sorted(Comparator.comparing(i -> KademliaDht.keyOf(hosts.get(i).peerId()), target::compareDistance))
                .toList();
        for (int rank = 0; rank < N; rank++) {
            dhts.get(byDistance.get(rank)).records().put(io.gridoverlay.dht.protocol.KadRecord.of(key,
                    rank % 2 == 0 ? a : b));
        }
        assertThat(dhts.get(1).getValue(key, 0)).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(io.gridoverlay.core.record.EquivocationException.class)
                .withMessageContaining("twice");
        for (int i = 0; i < N; i++) {
            dhts.get(i).records().remove(key);
        }
    }

    @Test
    void invalidValueIsRejectedBeforeAnythingIsSent() {
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(hosts.get(0).peerId());
        byte[] wrong = hosts.get(1).config().identity().publicKey().encode();
        assertThat(dhts.get(0).putValue(key, wrong)).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void provideThenFindProviders() {
        byte[] key = "/grid/content/abc".getBytes(StandardCharsets.UTF_8);
        int told = dhts.get(2).provide(key).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(told).isPositive();
        List<PeerInfo> found = dhts.get(9).findProviders(key, 5).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(found).extracting(PeerInfo::peerId).contains(hosts.get(2).peerId());
        assertThat(found.get(0).addresses()).isNotEmpty();
    }

    @Test
    void findPeerReturnsItsAddresses() {
        PeerId target = hosts.get(7).peerId();
        Optional<PeerInfo> p = dhts.get(0).findPeer(target).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(p).hasValueSatisfying(info -> assertThat(info.addresses()).containsAll(hosts.get(7).listenAddresses()));
    }

}
