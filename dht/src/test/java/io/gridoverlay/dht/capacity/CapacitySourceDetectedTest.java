package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import oshi.hardware.GpuStats;
import oshi.hardware.GraphicsCard;

/** {@link CapacitySource#detected()} on the machine running the test, and how cards become GPUs. */
class CapacitySourceDetectedTest {

    @Test
    void detectedCapacityOfThisMachineIsSaneAndPublishable() {
        PrivateKey key = Ed25519.generate().privateKey();
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
        CapacityRecord r = CapacitySource.detected().read(key.peerId(), addrs);
        System.out.println("detected: " + r.toJson());
        assertThat(r.nodeId()).isEqualTo(key.peerId());
        assertThat(r.listenAddrs()).isEqualTo(addrs);
        // the JVM is given at most the machine's logical processors and never more memory than it has
        assertThat(r.total().cores()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(r.total().memoryBytes()).isGreaterThanOrEqualTo(Runtime.getRuntime().totalMemory());
        assertThat(r.free().memoryBytes()).isPositive().isLessThanOrEqualTo(r.total().memoryBytes());
        // the test runs from some disk
        assertThat(r.total().ssdBytes() + r.total().hddBytes()).isPositive();
        assertThat(r.total().covers(r.free())).isTrue();
        assertThat(r.uptime().since()).isBefore(Instant.now()).isAfter(Instant.EPOCH);
        assertThat(CapacityRecord.open(r.sign(key).toBytes(), Instant.now()).isValid()).isTrue();
    }

    @Test
    void compareCardsOfOneModelAreOneGpuEntryAndDisplayAdaptersAreLeftOut() {
        List<GraphicsCard> cards = List.of(
                card("NVIDIA Corporation", "NVIDIA GeForce RTX 4090", 24L << 30),
                card("NVIDIA Corporation", "NVIDIA GeForce RTX 4090", 24L << 30),
                card("Advanced Micro Devices, Inc. [AMD/ATI]", "Instinct MI210", 64L << 30),
                card("Intel Corporation", "Arc A770", 16L << 30),
                card("ASPEED Technology, Inc.", "ASPEED Graphics Family", 0),
                card("Red Hat, Inc.", "QXL paravirtual graphic card", 16L << 20));
        assertThat(DetectedCapacity.gpus(cards)).containsExactly(
                new Gpu("nvidia", "NVIDIA GeForce RTX 4090", 24L << 30, 2, 2),
                new Gpu("amd", "Instinct MI210", 64L << 30, 1, 1),
                new Gpu("intel", "Arc A770", 16L << 30, 1, 1));
    }

    @Test
    void vendorTextsOfTheThreeComputeVendorsAreRecognised() {
        assertThat(DetectedCapacity.vendorOf("NVIDIA Corporation")).isEqualTo("nvidia");
        assertThat(DetectedCapacity.vendorOf("Advanced Micro Devices, Inc. [AMD/ATI] Navi 31")).isEqualTo("amd");
        assertThat(DetectedCapacity.vendorOf("ATI Technologies Inc Radeon")).isEqualTo("amd");
        assertThat(DetectedCapacity.vendorOf("Intel Corporation UHD Graphics 630")).isEqualTo("intel");
        assertThat(DetectedCapacity.vendorOf("Matrox Electronics Systems Ltd. G200eR2")).isNull();
        assertThat(DetectedCapacity.vendorOf("VMware SVGA II Adapter")).isNull();
    }

    private static GraphicsCard card(String vendor, String name, long vram) {
        return new GraphicsCard() {
            @Override public String getName() { return name; }
            @Override public String getDeviceId() { return "0x0000"; }
            @Override public String getVendor() { return vendor; }
            @Override public String getVersionInfo() { return ""; }
            @Override public long getVRam() { return vram; }
            @Override public GpuStats createStatsSession() { throw new UnsupportedOperationException(); }
        };
    }
}
