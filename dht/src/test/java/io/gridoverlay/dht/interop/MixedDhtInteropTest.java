package io.gridoverlay.dht.interop;

import io.gridoverlay.transport.interop.JsPeer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.internal.net.HostDhtBinding;
import io.gridoverlay.dht.internal.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.PublicKeyValidator;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.transport.Host;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A mixed Kademlia network on 127.0.0.1: six Java peers ({@link KademliaDht} in server mode over
 * {@link TransportKadNetwork}, fed by {@link HostDhtBinding}) and four js-libp2p peers ({@code node peer.mjs
 * --dht}, @libp2p/kad-dht), all speaking {@code /ipfs/kad/1.0.0}. Every operation is checked across the two
 * implementations in both directions: FIND_NODE lookups against a brute-force XOR sort, finding a peer,
 * PUT_VALUE/GET_VALUE of a {@code /pk/} record, ADD_PROVIDER/GET_PROVIDERS.
 *
 * <p>Needs {@code node} (the class is skipped without it); runs {@code npm ci} in {@code interop/js} when its
 * {@code node_modules} is missing.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedDhtInteropTest {
    static final int JAVA = 6;
    static final int JS = 4;
    static final int ALL = JAVA + JS;
    static final String KAD = TransportKadNetwork.DEFAULT_PROTOCOL;
    static final long TIMEOUT_S = 30;
    static final HexFormat HEX = HexFormat.of();

    final List<Host> hosts = new ArrayList<>();
    final List<TransportKadNetwork> nets = new ArrayList<>();
    final List<KademliaDht> dhts = new ArrayList<>();
    final List<JsPeer> js = new ArrayList<>();

    @BeforeAll
    void startNetwork() {
        for (int i = 0; i < JAVA; i++) {
            Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
            h.start().join();
            TransportKadNetwork net = TransportKadNetwork.builder(h).serverMode(true).build();
            KademliaDht dht = KademliaDht.builder(net).config(io.gridoverlay.dht.DhtConfig.builder().routing(RoutingTableConfig.builder().noDiversityLimits().build()).refreshInterval(Duration.ZERO).validators(Validators.builder().add(new PublicKeyValidator()).add(new AnyValueValidator("test"))
                            .build()).build()).selfAddresses(h::listenAddresses).seed(i).build();
            HostDhtBinding.bind(h, KAD, p -> dht.addPeer(p, true));
            hosts.add(h);
            nets.add(net);
            dhts.add(dht);
        }
        for (int i = 1; i < JAVA; i++) {
            dhts.get(i).bootstrap(List.of(javaInfo(i - 1))).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        }
        // each js peer dials one Java peer and the previous js peer: identify + ping put them in each other's tables
        for (int k = 0; k < JS; k++) {
            List<String> args = new ArrayList<>(List.of("--dht", "--bootstrap", javaAddr(k % JAVA).toString()));
            if (k > 0) {
                args.addAll(List.of("--bootstrap", js.get(k - 1).addr().toString()));
            }
            js.add(JsPeer.start(args.toArray(String[]::new)));
        }
        for (JsPeer p : js) {
            p.callSync("waitRoutingTable", "min", 1, "timeoutMs", 20_000);
        }
        // Java self-lookups learn the js peers from FIND_NODE answers and connect to them; js self-lookups
        // connect to everyone they are told about
        joinAll(dhts.stream().map(d -> d.bootstrap(List.of())));
        joinAll(js.stream().map(p -> p.call("closest", "peerId", p.peerId(), "timeoutMs", 20_000)));
        joinAll(dhts.stream().map(d -> d.bootstrap(List.of())));
        awaitTrue(() -> "every Java routing table holds all " + (ALL - 1) + " other peers; sizes: "
                        + dhts.stream().map(KademliaDht::routingTableSize).toList(),
                () -> dhts.stream().allMatch(d -> d.routingTableSize() == ALL - 1));
        awaitTrue(() -> "every js routing table holds all " + (ALL - 1) + " other peers; tables: " + jsTables(),
                () -> js.stream().allMatch(p -> p.callSync("routingTable").strings("peers").size() == ALL - 1));
    }

    @AfterAll
    void stopNetwork() {
        js.forEach(JsPeer::close);
        dhts.forEach(KademliaDht::close);
        nets.forEach(TransportKadNetwork::close);
        hosts.forEach(Host::close);
    }

    // ------------------------------------------------------------------ closest peers

    @Test
    @Order(1)
    void javaLookupReturnsTheTrueClosestPeersIncludingJsPeers() {
        byte[] key = "/test/some lookup key".getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < JAVA; from += 3) {
            LookupResult r = dhts.get(from).findClosestPeers(key).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
            List<PeerId> truth = trueClosest(key, hosts.get(from).peerId());
            assertThat(truth).hasSize(ALL - 1);
            assertThat(r.peers()).extracting(PeerInfo::peerId).containsExactlyElementsOf(truth);
            // js peers are among them, with the addresses they listen on
            for (JsPeer p : js) {
                assertThat(r.peers()).filteredOn(pi -> pi.peerId().equals(p.peerId()))
                        .singleElement().satisfies(pi -> assertThat(pi.addresses()).isNotEmpty());
            }
        }
    }

    @Test
    @Order(2)
    void jsLookupReturnsTheTrueClosestPeersIncludingJavaPeers() {
        byte[] key = "/test/another lookup key".getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < JS; from += 2) {
            JsPeer p = js.get(from);
            JsPeer.Reply r = p.callSync("closest", "keyHex", HEX.formatHex(key), "timeoutMs", 20_000);
            List<PeerId> got = r.strings("peers").stream().map(PeerId::parse).toList();
            List<PeerId> truth = trueClosest(key, p.peerId());
            assertThat(got).containsExactlyInAnyOrderElementsOf(truth);
        }
    }

    // ------------------------------------------------------------------ values

    @Test
    @Order(3)
    void javaPutsPkRecordJsGetsIt() {
        int owner = 2;
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(hosts.get(owner).peerId());
        byte[] value = hosts.get(owner).config().identity().publicKey().encode();
        int stored = dhts.get(owner).putValue(key, value).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        // every other peer is among the 20 closest and must have accepted (and echoed) the record
        assertThat(stored).isEqualTo(ALL - 1);
        for (JsPeer p : js) {
            JsPeer.Reply r = p.callSync("get", "keyHex", HEX.formatHex(key), "timeoutMs", 20_000);
            assertThat(r.string("valueHex")).isEqualTo(HEX.formatHex(value));
        }
    }

    @Test
    @Order(4)
    void jsPutsPkRecordJavaGetsIt() {
        JsPeer owner = js.get(1);
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(owner.peerId());
        byte[] value = hosts.get(0).dial(owner.addr()).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join()
                .remotePublicKey().encode();
        JsPeer.Reply r = owner.callSync("put", "keyHex", HEX.formatHex(key), "valueHex", HEX.formatHex(value),
                "timeoutMs", 20_000);
        List<PeerId> storedAt = r.strings("storedAt").stream().map(PeerId::parse).toList();
        assertThat(storedAt).containsAll(hosts.stream().map(Host::peerId).toList());
        for (int i = 0; i < JAVA; i++) {
            assertThat(dhts.get(i).records().get(key)).as("record stored by Java peer %d", i).isPresent();
            Optional<byte[]> got = dhts.get(i).getValue(key).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
            assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
    }

    @Test
    @Order(5)
    void javaClientWhoseOnlyContactIsAJsPeerGetsAValue() {
        // a /pk/ record put by a js peer, then dropped by every Java peer: the Java client (whose only
        // contact is a js peer) can get it only from GET_VALUE answers of js peers
        JsPeer owner = js.get(3);
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(owner.peerId());
        byte[] value = hosts.get(1).dial(owner.addr()).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join()
                .remotePublicKey().encode();
        // a Java peer in client mode whose only contact is one js peer: the whole lookup goes through js answers
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        h.start().join();
        TransportKadNetwork net = TransportKadNetwork.builder(h).build();
        KademliaDht client = KademliaDht.builder(net).config(io.gridoverlay.dht.DhtConfig.builder().mode(io.gridoverlay.dht.DhtMode.CLIENT).refreshInterval(Duration.ZERO).build()).build();
        try {
            owner.callSync("put", "keyHex", HEX.formatHex(key), "valueHex", HEX.formatHex(value), "timeoutMs", 20_000);
            dhts.forEach(d -> d.records().remove(key));
            client.addPeer(new PeerInfo(js.get(0).peerId(), List.of(jsTransportAddr(js.get(0)))), true).join();
            Optional<byte[]> got = client.getValue(key, 2).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
            assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        } finally {
            client.close();
            net.close();
            h.close();
        }
    }

    // ------------------------------------------------------------------ providers

    @Test
    @Order(6)
    void javaProvidesJsFindsProvider() {
        byte[] key = sha256Multihash("content provided by Java".getBytes(StandardCharsets.UTF_8));
        int provider = 1;
        int told = dhts.get(provider).provide(key).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        assertThat(told).isEqualTo(ALL - 1);
        for (JsPeer p : js) {
            JsPeer.Reply r = p.callSync("findProviders", "multihashHex", HEX.formatHex(key), "count", 1,
                    "timeoutMs", 20_000);
            List<Object> providers = r.list("providers");
            assertThat(providers).hasSize(1);
            JsPeer.Reply first = reply(providers.get(0));
            assertThat(PeerId.parse(first.string("peerId"))).isEqualTo(hosts.get(provider).peerId());
            assertThat(first.strings("addrs")).isNotEmpty();
        }
    }

    @Test
    @Order(7)
    void jsProvidesJavaFindsProvider() {
        byte[] key = sha256Multihash("content provided by js".getBytes(StandardCharsets.UTF_8));
        JsPeer provider = js.get(2);
        JsPeer.Reply r = provider.callSync("provide", "multihashHex", HEX.formatHex(key), "timeoutMs", 20_000);
        List<PeerId> sentTo = r.strings("sentTo").stream().map(PeerId::parse).toList();
        assertThat(sentTo).containsAll(hosts.stream().map(Host::peerId).toList());
        for (int i = 0; i < JAVA; i++) {
            assertThat(dhts.get(i).providers().providers(key)).as("providers stored by Java peer %d", i)
                    .extracting(PeerInfo::peerId).containsExactly(provider.peerId());
            List<PeerInfo> found = dhts.get(i).findProviders(key, 1).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
            assertThat(found).singleElement().satisfies(pi -> {
                assertThat(pi.peerId()).isEqualTo(provider.peerId());
                assertThat(pi.addresses()).contains(jsTransportAddr(provider));
            });
        }
    }

    // ------------------------------------------------------------------ find peer

    @Test
    @Order(8)
    void javaFindsJsPeersThroughAJsOnlyContact() {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        h.start().join();
        TransportKadNetwork net = TransportKadNetwork.builder(h).build();
        KademliaDht client = KademliaDht.builder(net).config(io.gridoverlay.dht.DhtConfig.builder().mode(io.gridoverlay.dht.DhtMode.CLIENT).refreshInterval(Duration.ZERO).build()).build();
        try {
            client.addPeer(new PeerInfo(js.get(0).peerId(), List.of(jsTransportAddr(js.get(0)))), true).join();
            for (int k = 1; k < JS; k++) {
                JsPeer target = js.get(k);
                Optional<PeerInfo> found = client.findPeer(target.peerId()).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
                assertThat(found).as("js peer %d", k).hasValueSatisfying(
                        pi -> assertThat(pi.addresses()).contains(jsTransportAddr(target)));
            }
            Optional<PeerInfo> java = client.findPeer(hosts.get(4).peerId()).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
            assertThat(java).hasValueSatisfying(
                    pi -> assertThat(pi.addresses()).containsAll(hosts.get(4).listenAddresses()));
        } finally {
            client.close();
            net.close();
            h.close();
        }
    }

    @Test
    @Order(9)
    void jsFindsJavaPeersAndValuesThroughAJavaOnlyContact() {
        // a fifth js peer whose only contact is Java peer 0: every answer it gets comes from Java code
        JsPeer probe = JsPeer.start("--dht", "--bootstrap", javaAddr(0).toString());
        try {
            probe.callSync("waitRoutingTable", "min", 1, "timeoutMs", 20_000);
            for (int i = 1; i < JAVA; i++) {
                JsPeer.Reply r = probe.callSync("findPeer", "peerId", hosts.get(i).peerId(), "timeoutMs", 20_000);
                assertThat(transportAddrs(r)).as("Java peer %d", i).containsAll(hosts.get(i).listenAddresses());
            }
            JsPeer target = js.get(3);
            JsPeer.Reply r = probe.callSync("findPeer", "peerId", target.peerId(), "timeoutMs", 20_000);
            assertThat(transportAddrs(r)).contains(jsTransportAddr(target));

            // a record only Java peers hold: js parses our GET_VALUE answers (record, timeReceived, closer peers).
            // Not a /pk/ key: js peers answer those from their peer store.
            byte[] key = "/test/held by Java peers only".getBytes(StandardCharsets.UTF_8);
            byte[] value = "a value stored by Java".getBytes(StandardCharsets.UTF_8);
            dhts.forEach(d -> d.records().put(KadRecord.of(key, value)));
            JsPeer.Reply g = probe.callSync("get", "keyHex", HEX.formatHex(key), "timeoutMs", 20_000);
            assertThat(g.string("valueHex")).isEqualTo(HEX.formatHex(value));
            assertThat(PeerId.parse(g.string("from"))).isIn(hosts.stream().map(Host::peerId).toList());
        } finally {
            probe.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Accepts any value in its namespace, the first one wins: what peer.mjs configures for {@code /test/}. */
    record AnyValueValidator(String namespace) implements RecordValidator {
        @Override
        public Verification<?> validate(byte[] key, byte[] value, Instant now) {
            return Verification.valid(value);
        }

        @Override
        public int select(byte[] key, List<byte[]> values, Instant now) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("no values to select from");
            }
            return 0;
        }
    }

    /** Every live peer but {@code self}, sorted by XOR distance of SHA-256(id bytes) to SHA-256(key), first 20. */
    List<PeerId> trueClosest(byte[] key, PeerId self) {
        byte[] target = sha256(key);
        return Stream.concat(hosts.stream().map(Host::peerId), js.stream().map(JsPeer::peerId))
                .filter(p -> !p.equals(self))
                .sorted((a, b) -> compareXor(sha256(a.toBytes()), sha256(b.toBytes()), target))
                .limit(20)
                .toList();
    }

    /** Brute force, independent of {@code Key}: compares (a XOR t) with (b XOR t) as unsigned big-endian. */
    static int compareXor(byte[] a, byte[] b, byte[] t) {
        for (int i = 0; i < t.length; i++) {
            int da = (a[i] ^ t[i]) & 0xff;
            int db = (b[i] ^ t[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sha2-256 multihash (0x12 0x20 digest), the key a CID's content is provided under. */
    static byte[] sha256Multihash(byte[] data) {
        byte[] d = sha256(data);
        byte[] mh = new byte[2 + d.length];
        mh[0] = 0x12;
        mh[1] = 0x20;
        System.arraycopy(d, 0, mh, 2, d.length);
        return mh;
    }


    /** Who is missing from each js routing table, by name (j0..j5 Java, s0..s3 js). */
    String jsTables() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < js.size(); k++) {
            List<String> peers = js.get(k).callSync("routingTable").strings("peers");
            sb.append("\n  s").append(k).append(" lacks:");
            for (int i = 0; i < JAVA; i++) {
                if (!peers.contains(hosts.get(i).peerId().toBase58())) {
                    sb.append(" j").append(i);
                }
            }
            for (int m = 0; m < js.size(); m++) {
                if (m != k && !peers.contains(js.get(m).peerId().toBase58())) {
                    sb.append(" s").append(m);
                }
            }
        }
        return sb.toString();
    }

    PeerInfo javaInfo(int i) {
        return new PeerInfo(hosts.get(i).peerId(), hosts.get(i).listenAddresses());
    }

    /** Java peer {@code i}'s first listen address with {@code /p2p/<id>}. */
    Multiaddr javaAddr(int i) {
        return hosts.get(i).listenAddresses().get(0).encapsulate("/p2p/" + hosts.get(i).peerId().toBase58());
    }

    /** A js peer's first listen address without {@code /p2p}. */
    static Multiaddr jsTransportAddr(JsPeer p) {
        return p.addr().decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElseThrow();
    }

    /** The {@code addrs} of a js reply without any {@code /p2p} suffix. */
    static List<Multiaddr> transportAddrs(JsPeer.Reply r) {
        return r.strings("addrs").stream().map(Multiaddr::parse)
                .map(a -> a.decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElseThrow()).toList();
    }

    @SuppressWarnings("unchecked")
    static JsPeer.Reply reply(Object o) {
        return new JsPeer.Reply((Map<String, Object>) o);
    }

    static void joinAll(Stream<? extends CompletableFuture<?>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
    }

    /** Polls {@code condition} every 50 ms for up to 20 s. */
    static void awaitTrue(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
