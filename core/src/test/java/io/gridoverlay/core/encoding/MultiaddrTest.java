package io.gridoverlay.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String PEER = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";

    /** Binary vectors from go-multiaddr's multiaddr_test.go. */
    @ParameterizedTest
    @CsvSource({
        "/ip4/127.0.0.1/udp/1234, 047f000001910204d2",
        "/ip4/127.0.0.1/tcp/4321, 047f0000010610e1",
        "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321, 047f000001910204d2047f0000010610e1",
        "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000, 29200108a07ac542013ac986fffe317095061f40",
        "/dns4/example.com/tcp/443, 360b6578616d706c652e636f6d0601bb",
        "/ip4/127.0.0.1/udp/1234/quic-v1, 047f000001910204d2cd03",
    })
    void knownBinaryForms(String text, String hex) {
        Multiaddr m = Multiaddr.parse(text);
        assertThat(HEX.formatHex(m.toBytes())).isEqualTo(hex);
        assertThat(Multiaddr.fromBytes(HEX.parseHex(hex))).isEqualTo(m);
        assertThat(Multiaddr.fromBytes(HEX.parseHex(hex)).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/ip4/1.2.3.4/tcp/80", "/ip6/::1/tcp/4001", "/ip6/fe80::1/udp/0/quic-v1",
        "/dns/grid.example/tcp/443/tls/ws", "/dns6/a.b/tcp/1/wss", "/dnsaddr/bootstrap.libp2p.io",
        "/ip4/10.0.0.1/tcp/4001/p2p/" + PEER, "/ip4/1.1.1.1/udp/443/quic-v1/p2p/" + PEER + "/p2p-circuit",
        "/ip4/127.0.0.1/tcp/9/tls/sni/x.example/http", "/ip4/0.0.0.0/tcp/0"
    })
    void textRoundTrips(String text) {
        Multiaddr m = Multiaddr.parse(text);
        assertThat(m.toString()).isEqualTo(text);
        assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
    }

    @Test
    void ip6TextIsCanonicalised() {
        assertThat(Multiaddr.parse("/ip6/0:0:0:0:0:0:0:1/tcp/1").toString()).isEqualTo("/ip6/::1/tcp/1");
        assertThat(Multiaddr.parse("/ip6/2001:DB8:0:0:1:0:0:1/tcp/1").toString())
                .isEqualTo("/ip6/2001:db8::1:0:0:1/tcp/1");
    }

    @Test
    void legacyIpfsAndCidPeerIdsParseToP2p() {
        Multiaddr legacy = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ipfs/" + PEER);
        assertThat(legacy.toString()).isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + PEER);
        byte[] mh = Base58.decode(PEER);
        byte[] cid = new byte[2 + mh.length];
        cid[0] = 1;
        cid[1] = 0x72;
        System.arraycopy(mh, 0, cid, 2, mh.length);
        Multiaddr viaCid = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + Multibase.encode(Multibase.Base.BASE32, cid));
        assertThat(viaCid).isEqualTo(legacy);
        assertThat(viaCid.peerIdBytes()).hasValueSatisfying(b -> assertThat(b).isEqualTo(mh));
    }

    @Test
    void encapsulateAndDecapsulate() {
        Multiaddr base = Multiaddr.parse("/ip4/1.2.3.4/tcp/80");
        Multiaddr full = base.encapsulate("/p2p/" + PEER);
        assertThat(full.toString()).isEqualTo("/ip4/1.2.3.4/tcp/80/p2p/" + PEER);
        assertThat(full.decapsulate(Protocol.P2P)).contains(base);
        assertThat(full.decapsulate(Multiaddr.parse("/tcp/80/p2p/" + PEER))).contains(Multiaddr.parse("/ip4/1.2.3.4"));
        assertThat(full.decapsulate(Protocol.IP4)).isEmpty();
        assertThat(base.decapsulate(Protocol.P2P)).contains(base);
        assertThat(full.valueOf(Protocol.TCP)).contains("80");
        assertThat(full.has(Protocol.UDP)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ip4/1.2.3.4|must start with '/'",
        "/ip4/1.2.3|bad /ip4 component",
        "/ip4/01.2.3.4|bad /ip4 component",
        "/ip4/1.2.3.256|bad /ip4 component",
        "/ip4/1.2.3.4/tcp/65536|bad /tcp component",
        "/ip4/1.2.3.4/tcp/-1|bad /tcp component",
        "/ip4/1.2.3.4/tcp/080|bad /tcp component",
        "/ip4/1.2.3.4/tcp|/tcp needs a value",
        "/ip6/1:2/tcp/1|bad /ip6 component",
        "/ip6/localhost/tcp/1|bad /ip6 component",
        "/ip4/1.2.3.4/foo/1|unknown multiaddr protocol 'foo'",
        "/p2p/notapeerid0OIl|bad /p2p component",
        "/ip4//tcp/1|bad /ip4 component",
        "/|empty multiaddr",
    })
    void strictTextParsingNamesTheBadComponent(String text, String message) {
        assertThatThrownBy(() -> Multiaddr.parse(text))
                .isInstanceOf(DecodingException.class).hasMessageContaining(message);
    }

    @Test
    void strictBinaryParsing() {
        assertThatThrownBy(() -> Multiaddr.fromBytes(HEX.parseHex("047f0000")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("truncated /ip4");
        assertThatThrownBy(() -> Multiaddr.fromBytes(HEX.parseHex("ff01")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("unknown multiaddr protocol code");
        assertThatThrownBy(() -> Multiaddr.fromBytes(HEX.parseHex("a50303010203")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("bad /p2p");
        assertThatThrownBy(() -> Multiaddr.fromBytes(HEX.parseHex("36026162"+"2f")))
                .isInstanceOf(DecodingException.class);
        assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[0])).isInstanceOf(DecodingException.class);
    }

    @Property
    void generatedAddressesRoundTripThroughBothForms(@ForAll("addresses") String text) {
        Multiaddr m = Multiaddr.parse(text);
        assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
        assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
        assertThat(Multiaddr.fromBytes(m.toBytes()).toString()).isEqualTo(m.toString());
    }

    @Property
    void arbitraryBytesDecodeOrFailWithTheTypedException(@ForAll byte[] bytes) {
        try {
            Multiaddr m = Multiaddr.fromBytes(bytes);
            assertThat(m.toBytes()).isEqualTo(bytes);
            assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
        } catch (DecodingException expected) {
            // the only permitted failure
        }
    }

    @Provide
    Arbitrary<String> addresses() {
        Arbitrary<String> ip4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> "/ip4/" + l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> ip6 = Arbitraries.integers().between(0, 0xFFFF).list().ofSize(8)
                .map(l -> "/ip6/" + String.join(":", l.stream().map(Integer::toHexString).toList()));
        Arbitrary<String> dns = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20)
                .map(s -> "/dns4/" + s + ".example");
        Arbitrary<String> host = Arbitraries.oneOf(ip4, ip6, dns);
        Arbitrary<String> port = Arbitraries.integers().between(0, 65535).map(Object::toString);
        Arbitrary<String> transport = Combinators.combine(Arbitraries.of("tcp", "udp"), port)
                .as((t, p) -> "/" + t + "/" + p);
        Arbitrary<String> suffix = Arbitraries.of("", "/tls", "/ws", "/wss", "/quic-v1", "/p2p/" + PEER);
        return Combinators.combine(host, transport, suffix).as((h, t, s) -> h + t + s);
    }
}
