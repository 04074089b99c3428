package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.CapacityRecord.Uptime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.hardware.GraphicsCard;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HWPartition;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * {@link CapacitySource#detected()}: the machine's capacity as OSHI sees it, read anew each time.
 * <ul>
 *   <li>cores: logical processors, all free;</li>
 *   <li>memory: physical memory, free = what the OS reports available;</li>
 *   <li>disks: physical disks other than loop, RAM and optical devices; a disk is an HDD when Linux says it is
 *       rotational ({@code /sys/block/<disk>/queue/rotational}), else an SSD (OSHI itself does not tell);
 *       free = usable space of the local file systems mounted from it or its partitions, the whole disk when
 *       nothing is on it; where no disk is visible (some containers) the local file systems are counted
 *       instead, as SSD;</li>
 *   <li>GPUs: graphics cards of NVIDIA, AMD and Intel, grouped by model, all free; other display adapters
 *       (virtual machines' and servers' management chips) are not compute GPUs and are left out;</li>
 *   <li>uptime: since the system's boot time.</li>
 * </ul>
 */
final class DetectedCapacity implements CapacitySource {
    private final SystemInfo system;

    private DetectedCapacity(SystemInfo system) {
        this.system = system;
    }

    static DetectedCapacity create() {
        return new DetectedCapacity(new SystemInfo());
    }

    @Override
    public CapacityRecord read(PeerId node, List<Multiaddr> listenAddrs) {
        HardwareAbstractionLayer hw = system.getHardware();
        OperatingSystem os = system.getOperatingSystem();
        int cores = hw.getProcessor().getLogicalProcessorCount();
        GlobalMemory mem = hw.getMemory();
        long memory = mem.getTotal();
        long freeMemory = Math.min(memory, Math.max(0, mem.getAvailable()));
        long[] disks = disks(hw.getDiskStores(), os.getFileSystem().getFileStores(true));
        Resources total = new Resources(cores, memory, disks[0], disks[1]);
        Resources free = new Resources(cores, freeMemory, Math.min(disks[0], disks[2]), Math.min(disks[1], disks[3]));
        Instant boot = Instant.ofEpochSecond(Math.max(0, os.getSystemBootTime()));
        CapacitySpec spec = new CapacitySpec(0, total, free, gpus(hw.getGraphicsCards()), 0, 0, Location.UNKNOWN,
                Price.FREE, Certification.NONE, new Uptime(boot, boot), List.of());
        return spec.toRecord(node, listenAddrs, Instant.now());
    }

    /** {total SSD, total HDD, free SSD, free HDD}. */
    static long[] disks(List<HWDiskStore> stores, List<OSFileStore> fileStores) {
        Map<String, Long> usableByMount = new HashMap<>();
        for (OSFileStore fs : fileStores) {
            usableByMount.putIfAbsent(fs.getMount(), Math.max(0, fs.getUsableSpace()));
        }
        long[] out = new long[4];
        boolean any = false;
        for (HWDiskStore d : stores) {
            String name = d.getName() == null ? "" : d.getName();
            String dev = name.substring(name.lastIndexOf('/') + 1);
            if (d.getSize() <= 0 || dev.startsWith("loop") || dev.startsWith("ram") || dev.startsWith("zram")
                    || dev.startsWith("sr") || dev.startsWith("fd")) {
                continue;
            }
            any = true;
            boolean hdd = rotational(dev);
            long free = 0;
            boolean mounted = false;
            Set<String> seen = new HashSet<>();
            for (OSFileStore fs : fileStores) {
                // a file system right on the disk, without a partition table
                if (name.equals(fs.getVolume()) && seen.add(fs.getMount())) {
                    free += usableByMount.get(fs.getMount());
                    mounted = true;
                }
            }
            for (HWPartition p : d.getPartitions()) {
                String mount = p.getMountPoint();
                if (mount != null && !mount.isEmpty() && usableByMount.containsKey(mount) && seen.add(mount)) {
                    free += usableByMount.get(mount);
                    mounted = true;
                }
            }
            if (!mounted && d.getPartitions().isEmpty()) {
                free = d.getSize(); // a blank disk: all of it is free
            }
            out[hdd ? 1 : 0] += d.getSize();
            out[hdd ? 3 : 2] += Math.min(d.getSize(), free);
        }
        if (!any) {
            Set<String> volumes = new HashSet<>();
            for (OSFileStore fs : fileStores) {
                if (fs.getTotalSpace() > 0 && volumes.add(fs.getVolume())) {
                    out[0] += fs.getTotalSpace();
                    out[2] += Math.max(0, Math.min(fs.getTotalSpace(), fs.getUsableSpace()));
                }
            }
        }
        return out;
    }

    /** Whether Linux reports {@code dev} as a rotational disk; false elsewhere or when it cannot tell. */
    private static boolean rotational(String dev) {
        if (dev.isEmpty() || dev.contains("..")) {
            return false;
        }
        Path p = Path.of("/sys/block", dev, "queue", "rotational");
        try {
            return Files.isReadable(p) && Files.readString(p).trim().equals("1");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Compute GPUs (NVIDIA, AMD, Intel) grouped by vendor, model and memory. */
    static List<Gpu> gpus(List<GraphicsCard> cards) {
        Map<List<Object>, Integer> counts = new LinkedHashMap<>();
        for (GraphicsCard c : cards) {
            String vendor = vendorOf(c.getVendor() + " " + c.getName());
            if (vendor == null) {
                continue;
            }
            String model = c.getName() == null ? "" : c.getName().trim();
            if (model.length() > CapacityRecord.MAX_STRING_LENGTH) {
                model = model.substring(0, CapacityRecord.MAX_STRING_LENGTH);
            }
            counts.merge(List.of(vendor, model, Math.max(0, c.getVRam())), 1, Integer::sum);
        }
        List<Gpu> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(new Gpu((String) k.get(0), (String) k.get(1), (Long) k.get(2), n, n)));
        return out.size() > CapacityRecord.MAX_LIST_LENGTH ? out.subList(0, CapacityRecord.MAX_LIST_LENGTH) : out;
    }

    /** "nvidia", "amd" or "intel" for a vendor text naming one of them, else null. */
    static String vendorOf(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.contains("nvidia")) {
            return "nvidia";
        }
        if (t.contains("advanced micro devices") || t.matches(".*\\b(amd|ati)\\b.*") || t.contains("radeon")) {
            return "amd";
        }
        if (t.contains("intel")) {
            return "intel";
        }
        return null;
    }
}
