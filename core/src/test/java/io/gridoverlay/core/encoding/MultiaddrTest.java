package io.gridoverlay.core.encoding;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.bytes;
import static io.gridoverlay.testing.Generators.oneOf;
import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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

    @Test
    void generatedAddressesRoundTripThroughBothForms() {
        qt().withFixedSeed(0x3A01L).withExamples(1000).forAll(addresses())
                .checkAssert(text -> {
            Multiaddr m = Multiaddr.parse(text);
            assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
            assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
            assertThat(Multiaddr.fromBytes(m.toBytes()).toString()).isEqualTo(m.toString());
        });
    }

    @Test
    void arbitraryBytesDecodeOrFailWithTheTypedException() {
        qt().withFixedSeed(0x3A02L).withExamples(1000).forAll(bytes(0, ANY_SIZE))
                .checkAssert(bytes -> {
            try {
                Multiaddr m = Multiaddr.fromBytes(bytes);
                assertThat(m.toBytes()).isEqualTo(bytes);
                assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
            } catch (DecodingException expected) {
                // the only permitted failure
            }
        });
    }

    private static Gen<String> addresses() {
        Gen<String> ip4 = lists().of(integers().between(0, 255)).ofSize(4)
                .map(l -> "/ip4/" + l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Gen<String> ip6 = lists().of(integers().between(0, 0xFFFF)).ofSize(8)
                .map(l -> "/ip6/" + String.join(":", l.stream().map(Integer::toHexString).toList()));
        Gen<String> dns = strings("abcdefghijklmnopqrstuvwxyz", 1, 20).map(s -> "/dns4/" + s + ".example");
        Gen<String> host = Generate.oneOf(ip4, ip6, dns);
        Gen<String> port = integers().between(0, 65535).map(Object::toString);
        Gen<String> transport = oneOf("tcp", "udp").zip(port, (t, p) -> "/" + t + "/" + p);
        Gen<String> suffix = oneOf("", "/tls", "/ws", "/wss", "/quic-v1", "/p2p/" + PEER);
        return host.zip(transport, suffix, (h, t, x) -> h + t + x);
    }
}
