package io.gridoverlay.dht.internal.protocol;

import io.gridoverlay.dht.protocol.KadFixtures;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.MessageType;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.protocol.StoreQuotaConfig;

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
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.dht.protocol.KadRequestRejectedException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
                .isInstanceOf(KadRequestRejectedException.class).hasMessageContaining("INVALID")
                .extracting(e -> ((KadRequestRejectedException) e).reason()).isEqualTo(Reason.RECORD_REFUSED);
        assertThat(records.get(key)).isEmpty();
    }

    // ------------------------------------------------------------------ quotas (issue 14, finding 11)

    private static PeerInfo from(int n, String ip) {
        return new PeerInfo(KadFixtures.peer(n), List.of(Multiaddr.parse("/ip4/" + ip + "/tcp/4001")));
    }

    private static KadRequest.PutValue freshPut() {
        KeyPair kp = Ed25519.generate();
        return new KadRequest.PutValue(KadRecord.of(PublicKeyValidator.keyFor(kp.privateKey().peerId()),
                kp.privateKey().publicKey().encode()));
    }

    private static Reason refusal(Runnable r) {
        try {
            r.run();
        } catch (KadRequestRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("the request was not refused");
    }

    private KadServer serverWith(StoreQuotaConfig quota, Clock clock) {
        records = new RecordStore(RecordStoreConfig.builder().clock(clock).build(), Validators.defaults());
        providers = new ProviderStore(ProviderStoreConfig.builder().clock(clock).build());
        return KadServer.builder().self(self).peers(ClosestPeersSource.of(table, table)).records(records)
                .providers(providers).quota(quota).build();
    }

    @Test
    void onePeerCannotStoreMoreThanItsQuota() {
        // regression: PUT_VALUE and ADD_PROVIDER stored whatever one peer sent, up to the stores' global
        // limits, so one peer could fill them (and push out everyone else's entries)
        KadServer s = serverWith(StoreQuotaConfig.builder().maxRecordsPerPeer(3).maxProvidersPerPeer(2).build(),
                Clock.systemUTC());
        PeerInfo greedy = from(1, "203.0.113.1");
        for (int i = 0; i < 3; i++) {
            s.handle(greedy, freshPut());
        }
        KadRequest.PutValue fourth = freshPut();
        assertThat(refusal(() -> s.handle(greedy, fourth))).isEqualTo(Reason.PEER_QUOTA_EXCEEDED);
        assertThat(records.get(fourth.record().key())).isEmpty();
        assertThat(records.size()).isEqualTo(3);
        // another peer still may
        s.handle(from(2, "198.51.100.2"), fourth);
        assertThat(records.get(fourth.record().key())).isPresent();

        s.handle(greedy, new KadRequest.AddProvider("a".getBytes(), List.of(greedy)));
        s.handle(greedy, new KadRequest.AddProvider("b".getBytes(), List.of(greedy)));
        s.handle(greedy, new KadRequest.AddProvider("a".getBytes(), List.of(greedy))); // a refresh is free
        assertThat(refusal(() -> s.handle(greedy, new KadRequest.AddProvider("c".getBytes(), List.of(greedy)))))
                .isEqualTo(Reason.PEER_QUOTA_EXCEEDED);
        assertThat(providers.providers("c".getBytes())).isEmpty();
    }

    @Test
    void recordBytesCountAgainstThePeerAndRefusedWritesCostNothing() {
        KadRequest.PutValue probe = freshPut();
        long size = probe.record().key().length + probe.record().value().length;
        KadServer s = serverWith(StoreQuotaConfig.builder().maxRecordBytesPerPeer(2 * size + size / 2).build(),
                Clock.systemUTC());
        PeerInfo p = from(1, "203.0.113.1");
        // a record the store refuses (invalid) does not use up the quota
        KadRecord invalid = KadRecord.of(probe.record().key(), Ed25519.generate().privateKey().publicKey().encode());
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(() -> s.handle(p, new KadRequest.PutValue(invalid)))).isEqualTo(Reason.RECORD_REFUSED);
        }
        s.handle(p, probe);
        // the same record again is not newer: refused, and its charge stays as it was (not doubled, not dropped)
        assertThat(refusal(() -> s.handle(p, probe))).isEqualTo(Reason.RECORD_REFUSED);
        s.handle(p, freshPut());
        assertThat(refusal(() -> s.handle(p, freshPut()))).isEqualTo(Reason.PEER_QUOTA_EXCEEDED);
    }

    @Test
    void theIpGroupOfTheConnectionSharesOneQuota() {
        KadServer s = serverWith(StoreQuotaConfig.builder().maxRecordsPerPeer(3).maxRecordsPerIpGroup(4).build(),
                Clock.systemUTC());
        // Sybil identities from one /24 (the routing table's diversity grouping)
        for (int i = 0; i < 3; i++) {
            s.handle(from(1, "203.0.113.1"), freshPut());
        }
        s.handle(from(2, "203.0.113.2"), freshPut());
        assertThat(refusal(() -> s.handle(from(3, "203.0.113.3"), freshPut())))
                .isEqualTo(Reason.IP_GROUP_QUOTA_EXCEEDED);
        s.handle(from(4, "203.0.114.1"), freshPut()); // the next /24 is another group
        // loopback and private addresses are exempt from group limits, as in the routing table
        for (int i = 10; i < 16; i++) {
            s.handle(from(i, "10.0.0.1"), freshPut());
        }
    }

    @Test
    void aChargeEndsWhenTheEntryWouldHaveExpired() {
        Instant t0 = Instant.parse("2025-03-01T12:00:00Z");
        Clock[] now = {Clock.fixed(t0, ZoneOffset.UTC)};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        };
        KadServer s = serverWith(StoreQuotaConfig.builder().maxRecordsPerPeer(1).build(), clock);
        PeerInfo p = from(1, "203.0.113.1");
        s.handle(p, freshPut());
        assertThat(refusal(() -> s.handle(p, freshPut()))).isEqualTo(Reason.PEER_QUOTA_EXCEEDED);
        now[0] = Clock.fixed(t0.plus(RecordStoreConfig.DEFAULT_RECORD_TTL), ZoneOffset.UTC);
        s.handle(p, freshPut());
    }

    @Test
    void aFullProviderKeyRefusesNewcomersWithATypedReason() {
        providers = new ProviderStore(ProviderStoreConfig.builder().maxProvidersPerKey(2).build());
        KadServer s = KadServer.builder().self(self).peers(ClosestPeersSource.of(table, table)).records(records)
                .providers(providers).build();
        byte[] key = "cid".getBytes();
        s.handle(known.get(0), new KadRequest.AddProvider(key, List.of(known.get(0))));
        s.handle(known.get(1), new KadRequest.AddProvider(key, List.of(known.get(1))));
        assertThat(refusal(() -> s.handle(known.get(2), new KadRequest.AddProvider(key, List.of(known.get(2))))))
                .isEqualTo(Reason.PROVIDERS_FULL);
        assertThat(providers.providers(key)).containsExactlyInAnyOrder(known.get(0), known.get(1));
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
