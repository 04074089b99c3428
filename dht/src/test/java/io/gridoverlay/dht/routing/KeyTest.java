package io.gridoverlay.dht.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class KeyTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Keys whose words come from a small pool, so that equal leading words (deep compares) are common. */
    /** Keys whose words are often edge values (0, -1, 1, the extremes, alternating bits), else any long. */
    private static Gen<Key> keys() {
        Gen<Long> word = Generate.oneOf(
                Generate.pick(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x5555_5555_5555_5555L)),
                longs().all());
        return word.zip(word, word, word, Key::ofWords);
    }

    private static BigInteger unsigned(Key k) {
        return new BigInteger(1, k.toBytes());
    }

    @Test
    void sha256OfEmptyInputIsTheKnownDigest() {
        Key k = Key.sha256(new byte[0]);
        assertThat(HEX.formatHex(k.toBytes()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(k.toString()).isEqualTo(HEX.formatHex(k.toBytes()));
        assertThat(Key.sha256("abc".getBytes(StandardCharsets.US_ASCII)).toString())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void fromBytesRejectsWrongLengths() {
        assertThatThrownBy(() -> Key.fromBytes(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 31 bytes");
        assertThatThrownBy(() -> Key.fromBytes(new byte[33]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 33 bytes");
    }

    @Test
    void bucketIndexAndCommonPrefixLengthExamples() {
        Key zero = Key.ZERO;
        assertThat(zero.bucketIndex(zero)).isEqualTo(-1);
        assertThat(zero.commonPrefixLength(zero)).isEqualTo(256);
        assertThat(zero.bucketIndex(Key.ofWords(Long.MIN_VALUE, 0, 0, 0))).isEqualTo(255);
        assertThat(zero.commonPrefixLength(Key.ofWords(Long.MIN_VALUE, 0, 0, 0))).isZero();
        assertThat(zero.bucketIndex(Key.ofWords(0, 0, 0, 1))).isZero();
        assertThat(zero.bucketIndex(Key.ofWords(0, 1, 0, 0))).isEqualTo(128);
        assertThat(zero.bucketIndex(Key.ofWords(0, 0, 1L << 63, 5))).isEqualTo(127);
        assertThat(zero.commonPrefixLength(Key.ofWords(0, 0, 1L << 63, 5))).isEqualTo(128);
    }

    @Test
    void compareToIsUnsigned() {
        Key small = Key.ofWords(1, 0, 0, 0);
        Key big = Key.ofWords(-1L, 0, 0, 0);
        assertThat(small.compareTo(big)).isNegative();
        assertThat(Key.ofWords(0, 0, 0, -1L).compareTo(Key.ofWords(0, 0, 1, 0))).isNegative();
    }

    @Test
    void bytesRoundTrip() {
        qt().withFixedSeed(0x4E01L).withExamples(1000).forAll(keys())
                .checkAssert(k -> {
            assertThat(Key.fromBytes(k.toBytes())).isEqualTo(k).hasSameHashCodeAs(k);
            assertThat(Key.ofWords(k.word(0), k.word(1), k.word(2), k.word(3))).isEqualTo(k);
        });
    }

    @Test
    void compareToMatchesUnsignedBigInteger() {
        qt().withFixedSeed(0x4E02L).withExamples(1000).forAll(keys(), keys())
                .checkAssert((a, b) -> {
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(unsigned(a).compareTo(unsigned(b)));
            assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        });
    }

    @Test
    void distanceToSelfIsZeroAndOnlyToSelf() {
        qt().withFixedSeed(0x4E03L).withExamples(1000).forAll(keys(), keys())
                .checkAssert((a, b) -> {
            assertThat(a.distance(a)).isEqualTo(Key.ZERO);
            assertThat(a.distance(b).equals(Key.ZERO)).isEqualTo(a.equals(b));
        });
    }

    @Test
    void distanceIsSymmetric() {
        qt().withFixedSeed(0x4E04L).withExamples(1000).forAll(keys(), keys())
                .checkAssert((a, b) -> {
            assertThat(a.distance(b)).isEqualTo(b.distance(a));
        });
    }

    @Test
    void distanceIsUnidirectional() {
        qt().withFixedSeed(0x4E05L).withExamples(1000).forAll(keys(), keys(), keys())
                .checkAssert((a, b, c) -> {
            // For a fixed a and distance, the other key is unique.
            assertThat(a.distance(b).equals(a.distance(c))).isEqualTo(b.equals(c));
            Key x = a.distance(b);
            assertThat(a.distance(x)).isEqualTo(b);
        });
    }

    @Test
    void distancesComposeByXor() {
        qt().withFixedSeed(0x4E06L).withExamples(1000).forAll(keys(), keys(), keys())
                .checkAssert((a, b, c) -> {
            assertThat(a.distance(b).distance(b.distance(c))).isEqualTo(a.distance(c));
        });
    }

    @Test
    void triangleInequalityAsIntegers() {
        qt().withFixedSeed(0x4E07L).withExamples(1000).forAll(keys(), keys(), keys())
                .checkAssert((a, b, c) -> {
            BigInteger ac = unsigned(a.distance(c));
            assertThat(ac).isLessThanOrEqualTo(unsigned(a.distance(b)).add(unsigned(b.distance(c))));
        });
    }

    @Test
    void compareDistanceIsConsistentWithDistanceOrder() {
        qt().withFixedSeed(0x4E08L).withExamples(1000).forAll(keys(), keys(), keys())
                .checkAssert((t, a, b) -> {
            int expected = Integer.signum(t.distance(a).compareTo(t.distance(b)));
            assertThat(Integer.signum(t.compareDistance(a, b))).isEqualTo(expected);
            assertThat(Integer.signum(t.compareDistance(b, a))).isEqualTo(-expected);
            assertThat(t.compareDistance(a, b) == 0).isEqualTo(a.equals(b));
        });
    }

    @Test
    void compareDistanceIsTransitive() {
        qt().withFixedSeed(0x4E09L).withExamples(1000).forAll(keys(), keys(), keys(), keys())
                .checkAssert((t, a, b, c) -> {
            if (t.compareDistance(a, b) <= 0 && t.compareDistance(b, c) <= 0) {
                assertThat(t.compareDistance(a, c)).isLessThanOrEqualTo(0);
            }
        });
    }

    @Test
    void bucketIndexIsFloorLog2OfDistance() {
        qt().withFixedSeed(0x4E10L).withExamples(1000).forAll(keys(), keys())
                .checkAssert((a, b) -> {
            int expected = unsigned(a.distance(b)).bitLength() - 1;
            assertThat(a.bucketIndex(b)).isEqualTo(expected).isEqualTo(b.bucketIndex(a));
            assertThat(a.commonPrefixLength(b)).isEqualTo(255 - expected);
        });
    }

    @Test
    void randomInBucketLandsInThatBucket() {
        qt().withFixedSeed(0x4E11L).withExamples(1000).forAll(keys(), integers().between(0, 255), longs().all())
                .checkAssert((local, b, seed) -> {
            Key k = Key.randomInBucket(local, b, new SplittableRandom(seed));
            assertThat(local.bucketIndex(k)).isEqualTo(b);
        });
    }

    @Test
    void randomInBucketRejectsBadIndex() {
        assertThatThrownBy(() -> Key.randomInBucket(Key.ZERO, 256, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..255");
    }
}
