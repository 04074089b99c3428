package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.gridoverlay.dht.routing.Key;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    private static Key[] randomKeys(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        Key[] keys = new Key[n];
        for (int i = 0; i < n; i++) {
            keys[i] = Key.random(r);
        }
        return keys;
    }

    @Test
    void closestEqualsAFullSortByDistance() {
        qt().withFixedSeed(0x6701L).withExamples(200)
                .forAll(longs().all(), integers().between(1, 300), integers().between(1, 25))
                .checkAssert((seed, n, k) -> {
            Key[] keys = randomKeys(seed, n);
            Key target = Key.random(new SplittableRandom(~seed));
            GroundTruth truth = new GroundTruth(keys);
            int[] expected = IntStream.range(0, n).filter(i -> i % 3 != 0).boxed()
                    .sorted(Comparator.comparing(i -> keys[i], target::compareDistance))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertThat(truth.closest(target, k, i -> i % 3 != 0)).containsExactly(expected);
        });
    }

    @Test
    void closestEqualsAFullSortForClusteredKeysAndSparsePredicates() {
        qt().withFixedSeed(0x6702L).withExamples(200)
                .forAll(longs().all(),
                        integers().between(1, 400),
                        integers().between(1, 25),
                        integers().between(1, 100))
                .checkAssert((seed, n, k, admittedPercent) -> {
            SplittableRandom r = new SplittableRandom(seed);
            Key[] keys = new Key[n];
            long prefix = r.nextLong();
            for (int i = 0; i < n; i++) {
                // keys share up to 60 leading bits, so the search range grows through many prefix lengths
                int shared = r.nextInt(61);
                long mask = shared == 0 ? 0 : -1L << (64 - shared);
                keys[i] = Key.ofWords((prefix & mask) | (r.nextLong() & ~mask), r.nextLong(), r.nextLong(), r.nextLong());
            }
            boolean[] admitted = new boolean[n];
            for (int i = 0; i < n; i++) {
                admitted[i] = r.nextInt(100) < admittedPercent;
            }
            Key target = r.nextBoolean() ? keys[r.nextInt(n)] : Key.ofWords(prefix, r.nextLong(), r.nextLong(), r.nextLong());
            GroundTruth truth = new GroundTruth(keys);
            int[] expected = IntStream.range(0, n).filter(i -> admitted[i]).boxed()
                    .sorted(Comparator.comparing(i -> keys[i], target::compareDistance))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertThat(truth.closest(target, k, i -> admitted[i])).containsExactly(expected);
        });
    }

    @Test
    void bucketRangeHoldsExactlyTheKeysOfThatBucket() {
        qt().withFixedSeed(0x6703L).withExamples(100).forAll(longs().all(), integers().between(2, 300))
                .checkAssert((seed, n) -> {
            Key[] keys = randomKeys(seed, n);
            GroundTruth truth = new GroundTruth(keys);
            Key self = keys[0];
            for (int b = 255; b >= 240; b--) {
                int[] range = truth.bucketRange(self, b);
                List<Integer> inRange = new ArrayList<>();
                for (int p = range[0]; p < range[1]; p++) {
                    inRange.add(truth.nodeAt(p));
                }
                int bucket = b;
                List<Integer> expected = IntStream.range(0, n).filter(i -> self.bucketIndex(keys[i]) == bucket).boxed().toList();
                assertThat(inRange).containsExactlyInAnyOrderElementsOf(expected);
            }
        });
    }

    @Test
    void bucketIndexOutOfRangeIsRejected() {
        GroundTruth truth = new GroundTruth(randomKeys(1, 4));
        assertThatThrownBy(() -> truth.bucketRange(truth.key(0), 256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
    }
}
