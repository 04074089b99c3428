package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.GIB;
import static io.gridoverlay.dht.capacity.CapacityFixtures.T0;
import static io.gridoverlay.dht.capacity.CapacityFixtures.key;
import static io.gridoverlay.dht.capacity.CapacityFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bands, the keys of a record, membership, and the key text. */
class IndexKeysTest {
    private final PrivateKey a = key(1);

    @Test
    void bandsAtPowerOfTwoBoundaries() {
        long[] amounts = {0, 1, 2, 3, 4, 7, 8, 15, 16};
        int[] bands = {0, 1, 2, 2, 3, 3, 4, 4, 5};
        for (int i = 0; i < amounts.length; i++) {
            assertThat(IndexKeys.band(amounts[i])).as("band(%d)", amounts[i]).isEqualTo(bands[i]);
        }
        assertThat(IndexKeys.band(-5)).isZero();
        assertThat(IndexKeys.band(Long.MAX_VALUE)).isEqualTo(63);
        for (int b = 1; b < 63; b++) {
            assertThat(IndexKeys.band(IndexKeys.bandFloor(b))).isEqualTo(b);
            assertThat(IndexKeys.band(IndexKeys.bandFloor(b) - 1)).isEqualTo(b - 1);
        }
    }

    @Test
    void topBandsHoldEverythingAbove() {
        assertThat(IndexKeys.coresBand(4095)).isEqualTo(12);
        assertThat(IndexKeys.coresBand(4096)).isEqualTo(IndexKeys.TOP_CORES_BAND);
        assertThat(IndexKeys.coresBand(Integer.MAX_VALUE)).isEqualTo(IndexKeys.TOP_CORES_BAND);
        assertThat(IndexKeys.memoryBand(Long.MAX_VALUE)).isEqualTo(IndexKeys.TOP_MEMORY_BAND);
        assertThat(IndexKeys.memoryBand((1L << 16) * GIB)).isEqualTo(IndexKeys.TOP_MEMORY_BAND);
        assertThat(IndexKeys.memoryBand((1L << 16) * GIB - 1)).isEqualTo(IndexKeys.TOP_MEMORY_BAND - 1);
        assertThat(IndexKeys.ssdBand(Long.MAX_VALUE)).isEqualTo(IndexKeys.TOP_SSD_BAND);
        assertThat(IndexKeys.gpuMemoryBand(Long.MAX_VALUE)).isEqualTo(IndexKeys.TOP_GPU_MEMORY_BAND);
        // amounts are banded in whole GiB: less than one GiB is band 0
        assertThat(IndexKeys.memoryBand(GIB - 1)).isZero();
        assertThat(IndexKeys.memoryBand(GIB)).isOne();
    }

    @Test
    void keysOfARecord() {
        CapacityRecord r = record(a, 1, 8, T0).addGpu(new Gpu("NVIDIA", "A100", 80 * GIB, 2, 1)).build();
        List<String> keys = IndexKeys.of(r).stream().map(IndexKey::toString).toList();
        assertThat(keys).containsExactly("/gidx/cores/4/0", "/gidx/mem/5/0", "/gidx/ssd/10/0", "/gidx/gpu/7/0",
                "/gidx/country/BE/0", "/gidx/geo/" + Geohash.cell(50.85, 4.35) + "/0", "/gidx/farm/7/0",
                "/gidx/cert/certified/0");
        assertThat(keys).hasSize(IndexKeys.MAX_ENTRIES_PER_NODE);
    }

    @Test
    void recordWithoutOptionalAttributesHasOnlyResourceAndFarmKeys() {
        CapacityRecord r = CapacityRecord.builder(a.peerId()).issuedAt(T0).build();
        assertThat(IndexKeys.of(r)).extracting(IndexKey::toString)
                .containsExactly("/gidx/cores/0/0", "/gidx/mem/0/0", "/gidx/ssd/0/0", "/gidx/farm/0/0");
        // DIY is below CERTIFIED: no certification key; no free GPU: no GPU key
        CapacityRecord diy = record(a, 1, 8, T0).certification(Certification.DIY)
                .addGpu(new Gpu("amd", "MI210", 64 * GIB, 4, 0)).build();
        assertThat(IndexKeys.of(diy)).extracting(IndexKey::attribute)
                .doesNotContain(IndexAttribute.CERTIFIED, IndexAttribute.GPU);
        CapacityRecord gold = record(a, 1, 8, T0).certification(Certification.GOLD).build();
        assertThat(IndexKeys.of(gold)).contains(IndexKey.of(IndexAttribute.CERTIFIED, "gold"));
    }

    @Test
    void gpuValuePicksTheLargestFreeGpu() {
        CapacityRecord r = record(a, 1, 8, T0)
                .addGpu(new Gpu("nvidia", "RTX 4090", 24 * GIB, 2, 2))
                .addGpu(new Gpu("amd", "MI210", 64 * GIB, 1, 1))
                .addGpu(new Gpu("nvidia", "A100", 80 * GIB, 4, 0))   // larger, but none free
                .build();
        assertThat(IndexKeys.gpuValue(r)).contains("7");
        assertThat(IndexKeys.vendorLabel("Advanced Micro Devices, Inc. [AMD/ATI]")).isEqualTo("advancedmicrodevices");
        assertThat(IndexKeys.vendorLabel("???")).isEqualTo("unknown");
        assertThat(IndexKeys.gpuValue(record(a, 1, 8, T0).build())).isEmpty();
    }

    @Test
    void atMostMaxEntriesPerNodeKeysWhateverTheRecord() {
        CapacityRecord.Builder b = record(a, 1, 8, T0).certification(Certification.GOLD);
        for (int i = 0; i < 32; i++) {
            b.addGpu(new Gpu("vendor" + i, "m", (i + 1) * GIB, 1, 1));
        }
        List<IndexKey> keys = IndexKeys.of(b.build());
        assertThat(keys).hasSizeLessThanOrEqualTo(IndexKeys.MAX_ENTRIES_PER_NODE);
        Set<IndexAttribute> attrs = keys.stream().map(IndexKey::attribute).collect(Collectors.toSet());
        assertThat(attrs).hasSameSizeAs(keys);
        assertThat(IndexKeys.MAX_ENTRIES_PER_NODE).isLessThanOrEqualTo(8);
    }

    @Test
    void belongsJudgesTheLogicalKeyInAnyShard() {
        CapacityRecord r = record(a, 1, 8, T0).build();
        for (IndexKey k : IndexKeys.of(r)) {
            assertThat(IndexKeys.belongs(r, k)).isTrue();
            assertThat(IndexKeys.belongs(r, k.shard(IndexKey.MAX_SHARD))).isTrue();
        }
        assertThat(IndexKeys.belongs(r, IndexKey.of(IndexAttribute.CORES, "3"))).isFalse();
        assertThat(IndexKeys.belongs(r, IndexKey.of(IndexAttribute.CORES, "5"))).isFalse();
        assertThat(IndexKeys.belongs(r, IndexKey.of(IndexAttribute.COUNTRY, "NL"))).isFalse();
        assertThat(IndexKeys.belongs(r, IndexKey.of(IndexAttribute.GPU, "5"))).isFalse();
        assertThat(IndexKeys.belongs(r, IndexKey.of(IndexAttribute.CERTIFIED, "gold"))).isFalse();
        CapacityRecord moved = r.toBuilder().free(new Resources(2, 16 * GIB, 512 * GIB, 0)).build();
        assertThat(IndexKeys.belongs(moved, IndexKey.of(IndexAttribute.CORES, "4"))).isFalse();
        assertThat(IndexKeys.belongs(moved, IndexKey.of(IndexAttribute.CORES, "2"))).isTrue();
        CapacityRecord elsewhere = r.toBuilder().location(Location.of("NL", "Amsterdam", 52.37, 4.90)).build();
        assertThat(IndexKeys.belongs(elsewhere, IndexKey.of(IndexAttribute.GEO, Geohash.cell(50.85, 4.35))))
                .isEqualTo(Geohash.cell(50.85, 4.35).equals(Geohash.cell(52.37, 4.90)));
    }

    @Test
    void eachNodeHasOnePathDownTheShardTreeAndPathsSpreadOverBothChildren() {
        assertThat(IndexKey.depthOf(0)).isZero();
        assertThat(IndexKey.depthOf(1)).isOne();
        assertThat(IndexKey.depthOf(2)).isOne();
        assertThat(IndexKey.depthOf(3)).isEqualTo(2);
        assertThat(IndexKey.depthOf(6)).isEqualTo(2);
        assertThat(IndexKey.depthOf(IndexKey.MAX_SHARD)).isEqualTo(IndexKey.MAX_DEPTH);
        int[] leftAtLevel1 = new int[1];
        Set<Integer> level3 = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            PrivateKey k = key(1000 + i);
            int path = IndexKey.path(k.peerId());
            assertThat(IndexKey.path(k.peerId())).as("deterministic").isEqualTo(path);
            assertThat(IndexKey.pathShard(path, 0)).isZero();
            for (int d = 0; d < IndexKey.MAX_DEPTH; d++) {
                int parent = IndexKey.pathShard(path, d);
                int child = IndexKey.pathShard(path, d + 1);
                assertThat(child).isIn(2 * parent + 1, 2 * parent + 2);
                assertThat(IndexKey.depthOf(child)).isEqualTo(d + 1);
                assertThat(IndexKey.of(IndexAttribute.CORES, "4").shard(child).isOnPathOf(k.peerId())).isTrue();
                int sibling = child % 2 == 1 ? child + 1 : child - 1;
                assertThat(IndexKey.of(IndexAttribute.CORES, "4").shard(sibling).isOnPathOf(k.peerId())).isFalse();
            }
            if (IndexKey.pathShard(path, 1) == 1) {
                leftAtLevel1[0]++;
            }
            level3.add(IndexKey.pathShard(path, 3));
        }
        assertThat(leftAtLevel1[0]).isBetween(70, 130); // 200 fair coins
        assertThat(level3).hasSize(8);
        assertThatThrownBy(() -> IndexKey.pathShard(0, IndexKey.MAX_DEPTH + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexKeyTextRoundTrips() {
        for (IndexAttribute attr : IndexAttribute.values()) {
            IndexKey k = new IndexKey(attr, "Ab-9", 17);
            assertThat(IndexKey.parse(k.bytes())).isEqualTo(k);
            assertThat(k.logical()).isEqualTo(IndexKey.of(attr, "Ab-9"));
        }
        assertThat(IndexKey.parse("/gidx/cores/4/255".getBytes(StandardCharsets.UTF_8)).shard()).isEqualTo(255);
        IndexKey deepest = new IndexKey(IndexAttribute.COUNTRY, "a".repeat(32), IndexKey.MAX_SHARD);
        assertThat(deepest.bytes().length).isLessThanOrEqualTo(64);
        assertThat(IndexKey.parse(deepest.bytes())).isEqualTo(deepest);
        assertThatThrownBy(() -> IndexKey.of(IndexAttribute.CORES, "4").shard(IndexKey.MAX_SHARD + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexKey.of(IndexAttribute.CORES, "a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
