package io.gridoverlay.core.encoding;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.bytes;
import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.generators.Generate;

class BasesTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Vectors from the multibase spec's test suite (tests/basic.csv, "yes mani !"). */
    @Test
    void multibaseSpecVectors() {
        byte[] data = "yes mani !".getBytes(StandardCharsets.UTF_8);
        assertThat(Multibase.encode(Multibase.Base.BASE58BTC, data)).isEqualTo("z7paNL19xttacUY");
        assertThat(Multibase.encode(Multibase.Base.BASE32, data)).isEqualTo("bpfsxgidnmfxgsibb");
        assertThat(Multibase.encode(Multibase.Base.BASE64URL, data)).isEqualTo("ueWVzIG1hbmkgIQ");
        assertThat(Multibase.encode(Multibase.Base.BASE16, data)).isEqualTo("f796573206d616e692021");
        for (String s : new String[] {"z7paNL19xttacUY", "bpfsxgidnmfxgsibb", "ueWVzIG1hbmkgIQ", "f796573206d616e692021"}) {
            assertThat(Multibase.decode(s)).isEqualTo(data);
        }
    }

    /** Leading zero bytes become leading '1's (multibase tests/leading_zero.csv). */
    @ParameterizedTest
    @CsvSource({"00, 1", "0000, 11", "000068656c6c6f, 11Cn8eVZg", "68656c6c6f20776f726c64, StV1DL6CwTryKyV"})
    void base58Vectors(String hex, String b58) {
        assertThat(Base58.encode(HEX.parseHex(hex))).isEqualTo(b58);
        assertThat(Base58.decode(b58)).isEqualTo(HEX.parseHex(hex));
    }

    @Test
    void rejectsBadText() {
        assertThatThrownBy(() -> Base58.decode("0OIl")).isInstanceOf(DecodingException.class)
                .hasMessageContaining("invalid base58 character '0'");
        assertThatThrownBy(() -> Base32.decode("ABC")).isInstanceOf(DecodingException.class);
        assertThatThrownBy(() -> Base32.decode("a")).isInstanceOf(DecodingException.class)
                .hasMessageContaining("length");
        assertThatThrownBy(() -> Base32.decode("ab")).isInstanceOf(DecodingException.class)
                .hasMessageContaining("trailing bits");
        assertThatThrownBy(() -> Multibase.decode("Xabc")).isInstanceOf(DecodingException.class)
                .hasMessageContaining("prefix 'X'");
        assertThatThrownBy(() -> Multibase.decode("")).isInstanceOf(DecodingException.class);
        assertThatThrownBy(() -> Multibase.decode("ueWVzIG1hbmkgIQ==")).isInstanceOf(DecodingException.class);
        assertThatThrownBy(() -> Multibase.decode("fABCD")).isInstanceOf(DecodingException.class);
    }

    @Test
    void everyBaseRoundTrips() {
        qt().withFixedSeed(0xBA01L).withExamples(1000)
                .forAll(bytes(0, ANY_SIZE), Generate.enumValues(Multibase.Base.class))
                .checkAssert((data, base) -> {
            String text = Multibase.encode(base, data);
            assertThat(Multibase.decode(text)).isEqualTo(data);
        });
    }

    @Test
    void decodingArbitraryTextFailsOnlyWithTheTypedException() {
        qt().withFixedSeed(0xBA02L).withExamples(1000).forAll(strings(0, ANY_SIZE))
                .checkAssert(text -> {
            try {
                byte[] b = Multibase.decode(text);
                assertThat(Multibase.encode(Multibase.baseOf(text.charAt(0)), b)).isEqualTo(text);
            } catch (DecodingException expected) {
                // typed rejection only
            }
        });
    }
}
