package io.gridoverlay.dht.sim;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, realistic mix of node capacities for simulations, demos and tests, shaped like a public grid:
 * <ul>
 *   <li>farms of 1 to 200 nodes (sizes drawn from a Pareto distribution: many farms of one or a few nodes,
 *       a few large ones); a farm has one country, a city near that country's capital, one certification
 *       level (60 % none, 15 % DIY, 20 % certified, 5 % gold) and one price;</li>
 *   <li>24 countries, weighted (US, DE, BE, NL, FR, GB, ... most nodes in a handful of them);</li>
 *   <li>node sizes: 45 % small (2-8 cores, 4-32 GiB, 0.25-1 TiB SSD), 40 % medium (16-32 cores, 64-256
 *       GiB, 1-4 TiB SSD, half with HDD), 15 % large (64-128 cores, 256 GiB-1 TiB, 4-16 TiB SSD, HDD);
 *       free capacity is total minus a uniformly random share in use (a fifth of nodes fully free);</li>
 *   <li>about 10 % of nodes with 1-8 GPUs (70 % NVIDIA, 25 % AMD, 5 % Intel; 8-80 GiB each), some in use;</li>
 *   <li>0-16 public IPv4 addresses (most 0-2), IPv6 on 60 % of nodes.</li>
 * </ul>
 * Deterministic for a seed. Not thread-safe.
 */
public final class CapacityMix {
    private static final long GIB = 1L << 30;
    private static final String[][] COUNTRIES = {
        // code, capital, latitude, longitude, weight
        {"US", "Washington", "38.90", "-77.04", "18"}, {"DE", "Berlin", "52.52", "13.40", "12"},
        {"BE", "Brussels", "50.85", "4.35", "9"}, {"NL", "Amsterdam", "52.37", "4.90", "9"},
        {"FR", "Paris", "48.86", "2.35", "7"}, {"GB", "London", "51.51", "-0.13", "6"},
        {"CH", "Bern", "46.95", "7.45", "4"}, {"AT", "Vienna", "48.21", "16.37", "3"},
        {"ES", "Madrid", "40.42", "-3.70", "3"}, {"IT", "Rome", "41.90", "12.50", "3"},
        {"EG", "Cairo", "30.04", "31.24", "3"}, {"TZ", "Dodoma", "-6.16", "35.75", "2"},
        {"IN", "New Delhi", "28.61", "77.21", "3"}, {"SG", "Singapore", "1.35", "103.82", "2"},
        {"JP", "Tokyo", "35.68", "139.69", "2"}, {"AU", "Canberra", "-35.28", "149.13", "2"},
        {"CA", "Ottawa", "45.42", "-75.70", "3"}, {"BR", "Brasilia", "-15.79", "-47.88", "2"},
        {"ZA", "Pretoria", "-25.75", "28.19", "1"}, {"FI", "Helsinki", "60.17", "24.94", "2"},
        {"SE", "Stockholm", "59.33", "18.07", "1"}, {"PL", "Warsaw", "52.23", "21.01", "1"},
        {"AE", "Abu Dhabi", "24.45", "54.38", "1"}, {"KE", "Nairobi", "-1.29", "36.82", "1"},
    };
    private static final String[][] GPUS = {
        {"nvidia", "RTX 3060", "12"}, {"nvidia", "RTX 4090", "24"}, {"nvidia", "A100", "80"},
        {"nvidia", "L40S", "48"}, {"nvidia", "T4", "16"}, {"amd", "Radeon RX 7900 XTX", "24"},
        {"amd", "Instinct MI210", "64"}, {"intel", "Arc A770", "16"},
    };

    private final Random random;
    private int farmLeft;
    private long farmId;
    private String[] farmCountry;
    private Certification farmCert;
    private long farmPrice;
    private double farmLat;
    private double farmLon;
    private String farmCity;

    public CapacityMix(long seed) {
        this.random = new Random(seed);
    }

    /** The next node's capacity record (unsigned; seq 0, issued at {@code now}, expiring after 10 minutes). */
    public CapacityRecord next(PeerId node, Instant now) {
        if (farmLeft == 0) {
            newFarm();
        }
        farmLeft--;
        int cores;
        long memory;
        long ssd;
        long hdd = 0;
        double size = random.nextDouble();
        if (size < 0.45) {
            cores = 2 << random.nextInt(3);
            memory = (4L << random.nextInt(4)) * GIB;
            ssd = (256L << random.nextInt(3)) * GIB;
        } else if (size < 0.85) {
            cores = 16 << random.nextInt(2);
            memory = (64L << random.nextInt(3)) * GIB;
            ssd = (1024L << random.nextInt(3)) * GIB;
            hdd = random.nextBoolean() ? (4096L << random.nextInt(3)) * GIB : 0;
        } else {
            cores = 64 << random.nextInt(2);
            memory = (256L << random.nextInt(3)) * GIB;
            ssd = (4096L << random.nextInt(3)) * GIB;
            hdd = (16384L << random.nextInt(2)) * GIB;
        }
        double used = random.nextDouble() < 0.2 ? 0 : random.nextDouble();
        Resources total = new Resources(cores, memory, ssd, hdd);
        Resources free = new Resources((int) Math.round(cores * (1 - used)), (long) (memory * (1 - used)),
                (long) (ssd * (1 - used * 0.8)), (long) (hdd * (1 - used * 0.5)));
        List<Gpu> gpus = new ArrayList<>();
        if (random.nextDouble() < 0.10) {
            double v = random.nextDouble();
            String[] g = v < 0.70 ? GPUS[random.nextInt(5)] : v < 0.95 ? GPUS[5 + random.nextInt(2)] : GPUS[7];
            int count = 1 << random.nextInt(4);
            int inUse = random.nextDouble() < 0.3 ? random.nextInt(count + 1) : 0;
            gpus.add(new Gpu(g[0], g[1], Long.parseLong(g[2]) * GIB, count, count - inUse));
        }
        int ipv4 = random.nextDouble() < 0.6 ? random.nextInt(3) : random.nextInt(17);
        int ipv6 = random.nextDouble() < 0.6 ? 1 : 0;
        double lat = farmLat + (random.nextDouble() - 0.5) * 0.2;
        double lon = farmLon + (random.nextDouble() - 0.5) * 0.2;
        return CapacityRecord.builder(node)
                .farmId(farmId)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(600))
                .total(total)
                .free(free)
                .gpus(gpus)
                .publicIps(ipv4, ipv6)
                .location(Location.of(farmCountry[0], farmCity, lat, lon))
                .price(new Price("TFT", farmPrice, farmPrice / 4, farmPrice * 10, farmPrice * 3, farmPrice * 50))
                .certification(farmCert)
                .build();
    }

    private void newFarm() {
        farmId++;
        // Pareto (alpha 1.1), capped at 200: most farms have a few nodes, some have many
        farmLeft = (int) Math.min(200, Math.floor(Math.pow(1 - random.nextDouble(), -1 / 1.1)));
        int total = 0;
        for (String[] c : COUNTRIES) {
            total += Integer.parseInt(c[4]);
        }
        int pick = random.nextInt(total);
        for (String[] c : COUNTRIES) {
            pick -= Integer.parseInt(c[4]);
            if (pick < 0) {
                farmCountry = c;
                break;
            }
        }
        double cert = random.nextDouble();
        farmCert = cert < 0.60 ? Certification.NONE : cert < 0.75 ? Certification.DIY
                : cert < 0.95 ? Certification.CERTIFIED : Certification.GOLD;
        farmPrice = 5_000 + random.nextInt(45_000);
        // a city within ~2 degrees of the capital
        farmLat = Double.parseDouble(farmCountry[2]) + (random.nextDouble() - 0.5) * 4;
        farmLon = Double.parseDouble(farmCountry[3]) + (random.nextDouble() - 0.5) * 4;
        farmCity = random.nextInt(3) == 0 ? farmCountry[1] : farmCountry[1] + " area " + (1 + random.nextInt(9));
    }
}
