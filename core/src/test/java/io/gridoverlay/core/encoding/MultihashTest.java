package io.gridoverlay.core.encoding;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultihashTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Vector from the multihash spec: sha2-256("multihash"). */
    @Test
    void sha256SpecVector() {
        Multihash mh = Multihash.sha256("multihash".getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(mh.toBytes()))
                .isEqualTo("12209cbc07c3f991725836a3aa2a581ca2029198aa420b9d99bc0e131d9f3e2cbe47");
        assertThat(Multihash.decode(mh.toBytes())).isEqualTo(mh);
        assertThat(mh.code()).isEqualTo(Multihash.SHA2_256);
        assertThat(mh.digestLength()).isEqualTo(32);
    }

    @Test
    void identityCarriesTheData() {
        Multihash mh = Multihash.identity(new byte[] {1, 2, 3});
        assertThat(mh.toBytes()).containsExactly(0, 3, 1, 2, 3);
        assertThat(mh.digest()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("1210aa")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("expected 32");
        assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("000301")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("declares 3");
        assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("00010102")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("declares 1");
        assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("1300")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("unsupported multihash function 0x13");
        assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("00ff7f")))
                .isInstanceOf(DecodingException.class).hasMessageContaining("exceeds");
    }

    @Test
    void roundTrips() {
        qt().withFixedSeed(0x4B01L).withExamples(1000).forAll(bytes(0, 200))
                .checkAssert(data -> {
            for (Multihash mh : new Multihash[] {Multihash.identity(data), Multihash.sha256(data)}) {
                Multihash back = Multihash.decode(mh.toBytes());
                assertThat(back).isEqualTo(mh).hasSameHashCodeAs(mh);
                assertThat(back.digest()).isEqualTo(mh.digest());
            }
        });
    }
}
