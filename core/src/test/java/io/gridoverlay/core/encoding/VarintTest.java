package io.gridoverlay.core.encoding;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VarintTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Vectors from the multiformats unsigned-varint spec. */
    @ParameterizedTest
    @CsvSource({
        "1, 01", "127, 7f", "128, 8001", "255, ff01", "300, ac02", "16384, 808001",
        "9223372036854775807, ffffffffffffffff7f"
    })
    void specVectors(long value, String hex) {
        assertThat(HEX.formatHex(Varint.encode(value))).isEqualTo(hex);
        assertThat(Varint.decodeExact(HEX.parseHex(hex))).isEqualTo(value);
        assertThat(Varint.size(value)).isEqualTo(hex.length() / 2);
    }

    @Test
    void rejectsNonMinimalEncodings() {
        assertThatThrownBy(() -> Varint.decodeExact(HEX.parseHex("8100")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("non-minimal");
        assertThatThrownBy(() -> Varint.decodeExact(HEX.parseHex("8080808000")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("non-minimal");
    }

    @Test
    void rejectsTooLongTruncatedAndTrailing() {
        assertThatThrownBy(() -> Varint.decodeExact(HEX.parseHex("ffffffffffffffffff01")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("longer than 9");
        assertThatThrownBy(() -> Varint.decodeExact(HEX.parseHex("80")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Varint.decodeExact(HEX.parseHex("0101")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Varint.decodeExact(new byte[0]))
                .isInstanceOf(DecodingException.class);
    }

    @Test
    void zeroIsOneByte() {
        assertThat(Varint.encode(0)).containsExactly(0);
        assertThat(Varint.decodeExact(new byte[] {0})).isZero();
    }

    @Test
    void negativeValuesCannotBeEncoded() {
        assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readLengthEnforcesTheLimitBeforeAnyoneAllocates() {
        ByteBuffer buf = ByteBuffer.wrap(Varint.encode(1 << 20));
        assertThatThrownBy(() -> Varint.readLength(buf, 1024))
                .isInstanceOf(DecodingException.class).hasMessageContaining("exceeds limit 1024");
    }

    @Test
    void roundTrips() {
        qt().withFixedSeed(0x5C01L).withExamples(1000).forAll(longs().between(0, Long.MAX_VALUE))
                .checkAssert(value -> {
            byte[] enc = Varint.encode(value);
            assertThat(enc).hasSize(Varint.size(value));
            assertThat(Varint.decodeExact(enc)).isEqualTo(value);
        });
    }

    @Test
    void decodingArbitraryBytesThrowsOnlyTheTypedException() {
        qt().withFixedSeed(0x5C02L).withExamples(1000).forAll(bytes(0, ANY_SIZE))
                .checkAssert(bytes -> {
            try {
                long v = Varint.read(ByteBuffer.wrap(bytes));
                assertThat(v).isNotNegative();
            } catch (DecodingException expected) {
                // typed rejection is the only permitted failure
            }
        });
    }
}
