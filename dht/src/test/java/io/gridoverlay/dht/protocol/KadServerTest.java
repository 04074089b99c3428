package io.gridoverlay.dht.protocol;

import static io.gridoverlay.dht.protocol.KadFixtures.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyPair;
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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KadServerTest {
    final PeerInfo self = info(1000, 1);
    final RoutingTable<PeerInfo> table = new RoutingTable<>(Key.sha256(self.peerId().toBytes()),
            RoutingTableConfig.builder().noDiversityLimits().unboundedBuckets(true).build());
    final List<PeerInfo> known = IntStream.rangeClosed(1, 60).mapToObj(i -> info(i, 1)).collect(Collectors.toList());
    RecordStore records;
    ProviderStore providers;
    KadServer server;

    @BeforeEach
    void setUp() {
        for (PeerInfo p : known) {
            table.tryAdd(Key.sha256(p.peerId().toBytes()), p, true, IpGroup.EXEMPT);
        }
        records = new RecordStore(RecordStoreConfig.defaults(), Validators.defaults());
        providers = new ProviderStore(ProviderStoreConfig.defaults());
        server = KadServer.builder().self(self).peers(ClosestPeersSource.of(table, table)).records(records)
                .providers(providers).build();
    }

    List<PeerInfo> bruteForceClosest(byte[] key, PeerInfo exclude, int k) {
        Key target = Key.sha256(key);
        return known.stream().filter(p -> !p.equals(exclude))
                .sorted(Comparator.comparing(p -> Key.sha256(p.peerId().toBytes()).distance(target)))
                .limit(k).collect(Collectors.toList());
    }

    @Test
    void findNodeAnswersTheTwentyClosestWithoutTheRequester() {
        PeerInfo requester = known.get(7);
        byte[] key = info(5555, 0).peerId().toBytes();
        KadResponse r = server.handle(requester, new KadRequest.FindNode(key));
        assertThat(r.type()).isEqualTo(MessageType.FIND_NODE);
        assertThat(r.closerPeers()).hasSize(20).doesNotContain(requester)
                .containsExactlyElementsOf(bruteForceClosest(key, requester, 20));
        // the requester's own id: it is excluded, everything else is there
        KadResponse own = server.handle(requester, new KadRequest.FindNode(requester.peerId().toBytes()));
        assertThat(own.closerPeers()).hasSize(20).doesNotContain(requester);
    }

    @Test
    void findNodeForSelfAnswersSelf() {
        KadResponse r = server.handle(known.get(0), KadRequest.FindNode.of(self.peerId()));
        assertThat(r.closerPeers()).containsExactly(self);
    }

    @Test
    void putThenGetValue() {
        KeyPair kp = Ed25519.generate();
        byte[] key = PublicKeyValidator.keyFor(kp.privateKey().peerId());
        KadRecord rec = KadRecord.of(key, kp.privateKey().publicKey().encode());
        KadResponse put = server.handle(known.get(0), new KadRequest.PutValue(rec));
        assertThat(put.type()).isEqualTo(MessageType.PUT_VALUE);
        assertThat(put.record().orElseThrow().value()).isEqualTo(rec.value());
        assertThat(put.record().orElseThrow().timeReceived()).isNotEmpty();
        KadResponse get = server.handle(known.get(1), new KadRequest.GetValue(key));
        assertThat(get.record().orElseThrow().value()).isEqualTo(rec.value());
        assertThat(get.closerPeers()).hasSize(20).doesNotContain(known.get(1));
        KadResponse missing = server.handle(known.get(1), new KadRequest.GetValue("/pk/none".getBytes()));
        assertThat(missing.record()).isEmpty();
        assertThat(missing.closerPeers()).hasSize(20);
    }

    @Test
    void invalidPutIsRejectedAndNotStored() {
        KeyPair kp = Ed25519.generate();
        byte[] key = PublicKeyValidator.keyFor(kp.privateKey().peerId());
        KadRecord wrong = KadRecord.of(key, Ed25519.generate().privateKey().publicKey().encode());
        assertThatThrownBy(() -> server.handle(known.get(0), new KadRequest.PutValue(wrong)))
                .isInstanceOf(KadRequestRejectedException.class).hasMessageContaining("INVALID");
        assertThat(records.get(key)).isEmpty();
    }

    @Test
    void addProviderKeepsOnlyTheSenderWithAnAddress() {
        PeerInfo sender = known.get(3);
        byte[] key = "cid".getBytes();
        server.handle(sender, new KadRequest.AddProvider(key, List.of(known.get(4), sender)));
        server.handle(known.get(5), new KadRequest.AddProvider(key, List.of(PeerInfo.of(known.get(5).peerId()))));
        assertThat(providers.providers(key)).containsExactly(sender);
        KadResponse r = server.handle(known.get(9), new KadRequest.GetProviders(key));
        assertThat(r.providers()).containsExactly(sender);
        assertThat(r.closerPeers()).hasSize(20).doesNotContain(known.get(9));
    }

    @Test
    void pingIsAnswered() {
        assertThat(server.handle(known.get(0), new KadRequest.Ping()).type()).isEqualTo(MessageType.PING);
    }
}
