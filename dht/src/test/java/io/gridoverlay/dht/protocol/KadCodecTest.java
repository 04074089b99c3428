package io.gridoverlay.dht.protocol;


import static io.gridoverlay.testing.Generators.strings;
import static io.gridoverlay.dht.protocol.KadFixtures.info;
import static io.gridoverlay.dht.protocol.KadFixtures.peer;
import static io.gridoverlay.dht.protocol.KadFixtures.peers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.google.protobuf.ByteString;
import io.gridoverlay.testing.Generators;
import io.gridoverlay.dht.proto.DhtProto;
import io.gridoverlay.dht.protocol.KadProtocolException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class KadCodecTest {
    final KadCodec codec = KadCodec.withDefaults();

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ examples

    @Test
    void findNodeRequestHasTheGoWireBytes() {
        byte[] key = bytes("abc");
        // field 1 (type) = 4, field 2 (key) = "abc"; proto3 omits nothing else
        assertThat(HexFormat.of().formatHex(codec.encodeRequest(new KadRequest.FindNode(key))))
                .isEqualTo("0804120361626" + "3");
        assertThat(HexFormat.of().formatHex(codec.frameRequest(new KadRequest.FindNode(key))))
                .isEqualTo("070804120361626" + "3");
    }

    @Test
    void putValueUsesRecordFieldNumbers() throws Exception {
        KadRecord r = new KadRecord(bytes("/v/k"), bytes("val"), "2024-01-01T00:00:00Z");
        DhtProto.Message m = DhtProto.Message.parseFrom(codec.encodeRequest(new KadRequest.PutValue(r)));
        assertThat(m.getType()).isEqualTo(DhtProto.Message.MessageType.PUT_VALUE);
        assertThat(m.getKey().toStringUtf8()).isEqualTo("/v/k");
        assertThat(m.getRecord().getValue().toStringUtf8()).isEqualTo("val");
        assertThat(m.getRecord().getTimeReceived()).isEqualTo("2024-01-01T00:00:00Z");
        // Record.timeReceived is field 5 (tag 0x2a)
        assertThat(HexFormat.of().formatHex(m.getRecord().toByteArray())).contains("2a14");
    }

    @Test
    void everyRequestRoundTrips() {
        List<KadRequest> all = List.of(new KadRequest.FindNode(peer(1).toBytes()), new KadRequest.GetValue(bytes("/pk/x")),
                new KadRequest.PutValue(KadRecord.of(bytes("/v/1"), bytes("one"))),
                new KadRequest.GetProviders(bytes("cid")), new KadRequest.AddProvider(bytes("cid"), List.of(info(3, 2))),
                new KadRequest.Ping());
        for (KadRequest r : all) {
            assertThat(codec.decodeRequest(codec.encodeRequest(r))).isEqualTo(r);
        }
    }

    @Test
    void invalidPeersAndAddressesAreDroppedIndividually() {
        DhtProto.Message m = DhtProto.Message.newBuilder()
                .setType(DhtProto.Message.MessageType.FIND_NODE)
                .setKey(ByteString.copyFromUtf8("k"))
                .addCloserPeers(DhtProto.Message.Peer.newBuilder().setId(ByteString.copyFromUtf8("not a peer id")))
                .addCloserPeers(DhtProto.Message.Peer.newBuilder().setId(ByteString.copyFrom(peer(2).toBytes()))
                        .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, 1, 2}))
                        .addAddrs(ByteString.copyFrom(KadFixtures.addr(5).toBytes())))
                .build();
        KadResponse r = codec.decodeResponse(m.toByteArray(), new KadRequest.FindNode(bytes("k")));
        assertThat(r.closerPeers()).containsExactly(new PeerInfo(peer(2), List.of(KadFixtures.addr(5))));
    }

    /** js-libp2p sends its own addresses with {@code /p2p/<its id>} (ADD_PROVIDER providerPeers). */
    @Test
    void ownP2pSuffixIsStrippedAndOtherPeersAddressesAreDropped() {
        io.gridoverlay.core.encoding.Multiaddr a = KadFixtures.addr(5);
        io.gridoverlay.core.encoding.Multiaddr b = KadFixtures.addr(6);
        DhtProto.Message m = DhtProto.Message.newBuilder()
                .setType(DhtProto.Message.MessageType.ADD_PROVIDER)
                .setKey(ByteString.copyFromUtf8("cid"))
                .addProviderPeers(DhtProto.Message.Peer.newBuilder().setId(ByteString.copyFrom(peer(2).toBytes()))
                        .addAddrs(ByteString.copyFrom(a.encapsulate("/p2p/" + peer(2).toBase58()).toBytes()))
                        .addAddrs(ByteString.copyFrom(a.toBytes()))
                        .addAddrs(ByteString.copyFrom(b.encapsulate("/p2p/" + peer(3).toBase58()).toBytes()))
                        .addAddrs(ByteString.copyFrom(
                                io.gridoverlay.core.encoding.Multiaddr.parse("/p2p/" + peer(2).toBase58()).toBytes()))
                        .addAddrs(ByteString.copyFrom(b.toBytes())))
                .build();
        KadRequest r = codec.decodeRequest(m.toByteArray());
        assertThat(r).isEqualTo(new KadRequest.AddProvider(bytes("cid"), List.of(new PeerInfo(peer(2), List.of(a, b)))));
    }

    @Test
    void peersAndAddressesBeyondTheLimitsAreDropped() {
        KadCodec small = new KadCodec(KadLimits.builder().maxPeersPerList(3).maxAddressesPerPeer(1).build());
        KadResponse big = KadResponse.findNode(bytes("k"), peers(5));
        KadResponse r = small.decodeResponse(small.encodeResponse(big), new KadRequest.FindNode(bytes("k")));
        assertThat(r.closerPeers()).hasSize(3);
        assertThat(r.closerPeers()).allSatisfy(p -> assertThat(p.addresses()).hasSize(1));
    }

    @Test
    void keyAndValueLimitsAreEnforced() {
        KadCodec small = new KadCodec(KadLimits.builder().maxKeyLength(8).maxValueLength(4).maxProviderKeyLength(3).build());
        assertThatThrownBy(() -> small.decodeRequest(codec.encodeRequest(new KadRequest.GetValue(new byte[9]))))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        assertThatThrownBy(() -> small.decodeRequest(codec.encodeRequest(
                new KadRequest.PutValue(KadRecord.of(bytes("/v/k"), new byte[5])))))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                .hasMessageContaining("value of 5 bytes");
        assertThatThrownBy(() -> small.decodeRequest(codec.encodeRequest(new KadRequest.GetProviders(new byte[4]))))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        assertThatThrownBy(() -> codec.decodeRequest(codec.encodeRequest(new KadRequest.GetProviders(new byte[81]))))
                .isInstanceOf(KadProtocolException.class);
    }

    @Test
    void structurallyInvalidRequestsAreRejected() {
        assertThatThrownBy(() -> codec.decodeRequest(new byte[] {0x08, 0x04}))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_FIELD))
                .hasMessageContaining("FIND_NODE with an empty key");
        assertThatThrownBy(() -> codec.decodeRequest(DhtProto.Message.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .build().toByteArray()))
                .hasMessageContaining("PUT_VALUE without a record");
        byte[] mismatch = DhtProto.Message.newBuilder().setType(DhtProto.Message.MessageType.PUT_VALUE)
                .setKey(ByteString.copyFromUtf8("/v/a"))
                .setRecord(DhtProto.Record.newBuilder().setKey(ByteString.copyFromUtf8("/v/b"))).build().toByteArray();
        assertThatThrownBy(() -> codec.decodeRequest(mismatch)).hasMessageContaining("differs from the message key");
        assertThatThrownBy(() -> codec.decodeRequest(new byte[] {0x08, 0x09}))
                .hasMessageContaining("unknown message type 9");
        assertThatThrownBy(() -> codec.decodeRequest(new byte[] {(byte) 0xff, (byte) 0xff}))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
    }

    @Test
    void responsesAreCheckedAgainstTheirRequest() {
        KadRequest get = new KadRequest.GetValue(bytes("/v/a"));
        byte[] wrongType = codec.encodeResponse(KadResponse.findNode(bytes("/v/a"), List.of()));
        assertThatThrownBy(() -> codec.decodeResponse(wrongType, get))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_TYPE));
        byte[] foreignRecord = codec.encodeResponse(KadResponse.getValue(bytes("/v/a"),
                Optional.of(KadRecord.of(bytes("/v/b"), bytes("x"))), List.of()));
        assertThatThrownBy(() -> codec.decodeResponse(foreignRecord, get)).hasMessageContaining("answered with a record under /v/b");
        KadRequest put = new KadRequest.PutValue(KadRecord.of(bytes("/v/a"), bytes("x")));
        byte[] badEcho = codec.encodeResponse(KadResponse.putValue(KadRecord.of(bytes("/v/a"), bytes("y"))));
        assertThatThrownBy(() -> codec.decodeResponse(badEcho, put)).hasMessageContaining("echoes another record");
        byte[] goodEcho = codec.encodeResponse(KadResponse.putValue(new KadRecord(bytes("/v/a"), bytes("x"), "t")));
        assertThat(codec.decodeResponse(goodEcho, put).record()).hasValueSatisfying(r -> assertThat(r.timeReceived()).isEqualTo("t"));
    }

    @Test
    void frameRefusesMessagesOverTheLimit() {
        KadCodec small = new KadCodec(KadLimits.builder().maxMessageSize(10).build());
        assertThatThrownBy(() -> small.frameResponse(KadResponse.findNode(bytes("k"), peers(1))))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        assertThatThrownBy(() -> small.decodeRequest(new byte[11])).hasMessageContaining("exceeds the limit of 10");
    }

    // ------------------------------------------------------------------ properties

    private static Gen<byte[]> keys() {
        return Generators.bytes(1, 80);
    }

    private static Gen<List<PeerInfo>> peerLists() {
        return lists().of(integers().between(1, 5000).zip(integers().between(0, 4), KadFixtures::info))
                .ofSizeBetween(0, 25);
    }

    private static Gen<KadRecord> records() {
        return keys().zip(Generators.bytes(0, 300), strings(0, 40), KadRecord::new);
    }

    private static Gen<KadRequest> requests() {
        return Generate.oneOf(
                keys().map(KadRequest.FindNode::new),
                keys().map(KadRequest.GetValue::new),
                keys().map(KadRequest.GetProviders::new),
                keys().zip(peerLists(), KadRequest.AddProvider::new),
                records().map(KadRequest.PutValue::new),
                Generate.constant(new KadRequest.Ping()));
    }

    @Test
    void requestsRoundTrip() {
        qt().withFixedSeed(0xCD01L).withExamples(200).forAll(requests())
                .checkAssert(request -> {
            assertThat(codec.decodeRequest(codec.encodeRequest(request))).isEqualTo(request);
        });
    }

    @Test
    void responsesRoundTrip() {
        qt().withFixedSeed(0xCD02L).withExamples(200).forAll(keys(), peerLists(), peerLists(), records())
                .checkAssert((key, closer, providers, record) -> {
            KadResponse fn = KadResponse.findNode(key, closer);
            assertThat(codec.decodeResponse(codec.encodeResponse(fn), new KadRequest.FindNode(key))).isEqualTo(fn);
            KadResponse gp = KadResponse.getProviders(key, providers, closer);
            assertThat(codec.decodeResponse(codec.encodeResponse(gp), new KadRequest.GetProviders(key))).isEqualTo(gp);
            KadRecord underKey = new KadRecord(key, record.value(), record.timeReceived());
            KadResponse gv = KadResponse.getValue(key, Optional.of(underKey), closer);
            assertThat(codec.decodeResponse(codec.encodeResponse(gv), new KadRequest.GetValue(key))).isEqualTo(gv);
        });
    }

    @Test
    void arbitraryBytesDecodeOrFailTyped() {
        qt().withFixedSeed(0xCD03L).withExamples(300).forAll(Generators.bytes(0, Generators.ANY_SIZE))
                .checkAssert(garbage -> {
            try {
                KadRequest r = codec.decodeRequest(garbage);
                // whatever was accepted re-decodes to the same request
                assertThat(codec.decodeRequest(codec.encodeRequest(r))).isEqualTo(r);
            } catch (KadProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }
}
