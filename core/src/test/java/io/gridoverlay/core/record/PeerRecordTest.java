package io.gridoverlay.core.record;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyPair;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.Secp256k1PrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class PeerRecordTest {

    @Test
    void decodesGoPeerRecord() {
        PeerRecord record = PeerRecord.open(EnvelopeTest.GO_ENVELOPE);
        PrivateKey key = PrivateKey.decode(EnvelopeTest.GO_PRIVATE_KEY);
        assertThat(record.peerId()).isEqualTo(key.peerId());
        assertThat(record.seq()).isEqualTo(1_598_453_001_624_231_000L);
        assertThat(record.addressCount()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            // /ip4/1.2.3.4/tcp/i
            assertThat(record.address(i)).containsExactly(0x04, 1, 2, 3, 4, 0x06, 0, i);
        }
        // Our encoding of the decoded record is go's payload byte for byte.
        assertThat(record.encode()).isEqualTo(Envelope.open(EnvelopeTest.GO_ENVELOPE, PeerRecord.DOMAIN).payload());
        assertThat(record.seal(key).toBytes()).isEqualTo(EnvelopeTest.GO_ENVELOPE);
    }

    @Test
    void sealAndOpenRoundTrip() {
        KeyPair pair = Ed25519.generate();
        PeerRecord record = PeerRecord.of(pair.peerId(), -1L, List.of(new byte[] {0x04, 127, 0, 0, 1, 0x06, 0x0f, (byte) 0xa1}));
        Envelope env = record.seal(pair.privateKey());
        assertThat(env.payloadType()).containsExactly(0x03, 0x01);
        PeerRecord opened = PeerRecord.fromEnvelope(Envelope.open(env.toBytes(), PeerRecord.DOMAIN));
        assertThat(opened).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(Long.toUnsignedString(opened.seq())).isEqualTo("18446744073709551615");
        assertThat(opened.isNewerThan(PeerRecord.of(pair.peerId(), 5, List.of()))).isTrue();
    }

    @Test
    void recordSignedByAnotherPeerIsRejected() {
        KeyPair owner = Ed25519.generate();
        KeyPair other = Secp256k1PrivateKey.generate();
        PeerRecord record = PeerRecord.of(owner.peerId(), 1, List.of());
        assertThatThrownBy(() -> record.seal(other.privateKey())).isInstanceOf(IllegalArgumentException.class);
        Envelope forged = Envelope.seal(other.privateKey(), PeerRecord.DOMAIN, PeerRecord.payloadType(), record.encode());
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(forged)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("signed by another peer");
    }

    @Test
    void wrongPayloadTypeIsRejected() {
        KeyPair pair = Ed25519.generate();
        PeerRecord record = PeerRecord.of(pair.peerId(), 1, List.of());
        Envelope env = Envelope.seal(pair.privateKey(), PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, record.encode());
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(env)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("payload type 0302");
    }

    @Test
    void malformedPayloadsAreRejected() {
        assertThatThrownBy(() -> PeerRecord.decode(new byte[] {0x0a, 5, 1})).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> PeerRecord.decode(new byte[0])).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("peer id");
        KeyPair pair = Ed25519.generate();
        byte[] withEmptyAddress = EnvelopeTest.concat(PeerRecord.of(pair.peerId(), 1, List.of()).encode(),
                new byte[] {0x1a, 0});
        assertThatThrownBy(() -> PeerRecord.decode(withEmptyAddress)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("address 0");
        assertThatThrownBy(() -> PeerRecord.of(pair.peerId(), 1, List.of(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Gen<List<byte[]>> addresses() {
        return lists().of(bytes(1, 40)).ofSizeBetween(0, 8);
    }

    @Test
    void encodeDecodeRoundTrips() {
        qt().withFixedSeed(0x9E01L).withExamples(200).forAll(bytes(32), longs().all(), addresses())
                .checkAssert((seed, seq, addrs) -> {
            PeerId id = Ed25519.fromSeed(seed).peerId();
            PeerRecord record = PeerRecord.of(id, seq, addrs);
            PeerRecord decoded = PeerRecord.decode(record.encode());
            assertThat(decoded).isEqualTo(record);
            assertThat(decoded.addresses()).containsExactlyElementsOf(new ArrayList<>(addrs));
        });
    }

    @Test
    void decodeThrowsOnlyTypedExceptions() {
        qt().withFixedSeed(0x9E02L).withExamples(1000).forAll(bytes(0, 200))
                .checkAssert(bytes -> {
            try {
                PeerRecord r = PeerRecord.decode(bytes);
                assertThat(PeerRecord.decode(r.encode())).isEqualTo(r);
            } catch (DecodingException e) {
                assertThat(e).isInstanceOf(InvalidRecordException.class);
            }
        });
    }
}
