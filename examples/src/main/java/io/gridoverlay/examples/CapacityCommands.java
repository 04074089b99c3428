package io.gridoverlay.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.capacity.ByteSize;
import io.gridoverlay.dht.capacity.CapacityFileException;
import io.gridoverlay.dht.capacity.CapacityFinder;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityMatch;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.capacity.CapacitySource;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Capacity on the command line: what {@code run} advertises ({@link #sourceFor}, {@link #advertise}) and the
 * {@code find-capacity} query.
 */
final class CapacityCommands {
    private CapacityCommands() {
    }

    /**
     * The capacity {@code run} advertises: the file's when one is given (read and checked now, before any
     * network work), else the detected capacity on the grid protocol, else none (a peer of another DHT, e.g.
     * the public IPFS one, has no capacity index to write to).
     *
     * @throws CapacityFileException for a bad capacity file
     */
    static CapacitySource sourceFor(Path file, boolean none, String protocol) {
        if (none) {
            return null;
        }
        if (file != null) {
            return CapacitySource.file(file);
        }
        return DhtConfig.GRID_PROTOCOL.equals(protocol) ? CapacitySource.detected() : null;
    }

    /**
     * Publishes the capacity of {@code source} for {@code peer} and prints what was advertised. A node that
     * could register under no index key (the first node of a grid: no peer yet) publishes again as soon as
     * its routing table holds a peer, instead of waiting for the refresh interval.
     */
    static CapacityPublisher advertise(DhtPeer peer, CapacitySource source, PrintStream out) throws Exception {
        CapacityIndexConfig config = CapacityIndexConfig.defaults();
        CapacityPublisher publisher = CapacityPublisher.create(peer.dht, peer.key, config);
        CapacityRecord r = source.read(peer.peerId(), peer.host.listenAddresses());
        CapacityPublisher.Publication p = publisher.publish(r).get(60, TimeUnit.SECONDS);
        out.printf(Locale.ROOT, "advertising capacity: %s; registered under %d index keys%s, refreshed every %ds%n",
                summary(r), p.registered().size(),
                p.failed().isEmpty() ? "" : " (" + p.failed().size() + " not yet: no holder answered; retried when a peer joins)",
                config.refreshInterval().toSeconds());
        if (p.registered().isEmpty()) {
            retryWhenAPeerJoins(peer, publisher, source, out);
        }
        return publisher;
    }

    private static final long RETRY_POLL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static void retryWhenAPeerJoins(DhtPeer peer, CapacityPublisher publisher, CapacitySource source,
                                            PrintStream out) {
        peer.dht.scheduler().schedule(() -> {
            if (peer.dht.routingTableSize() == 0) {
                retryWhenAPeerJoins(peer, publisher, source, out);
                return;
            }
            publisher.publish(source.read(peer.peerId(), peer.host.listenAddresses())).whenComplete((p, e) -> {
                if (e != null) {
                    out.println("capacity advertisement failed: " + e);
                } else {
                    out.println("a peer joined: capacity registered under " + p.registered().size() + " index keys");
                }
            });
        }, RETRY_POLL_NANOS);
    }

    /** One line: cores, memory, disks, GPUs, location, farm, price. */
    static String summary(CapacityRecord r) {
        StringBuilder b = new StringBuilder();
        b.append(r.free().cores()).append('/').append(r.total().cores()).append(" cores free, ")
                .append(ByteSize.format(r.free().memoryBytes())).append('/').append(ByteSize.format(r.total().memoryBytes()))
                .append(" memory");
        if (r.total().ssdBytes() > 0) {
            b.append(", ").append(ByteSize.format(r.free().ssdBytes())).append('/')
                    .append(ByteSize.format(r.total().ssdBytes())).append(" SSD");
        }
        if (r.total().hddBytes() > 0) {
            b.append(", ").append(ByteSize.format(r.free().hddBytes())).append('/')
                    .append(ByteSize.format(r.total().hddBytes())).append(" HDD");
        }
        if (!r.gpus().isEmpty()) {
            b.append(", GPUs ").append(gpus(r));
        }
        if (!r.location().country().isEmpty()) {
            b.append(", ").append(r.location().country());
            if (!r.location().city().isEmpty()) {
                b.append(' ').append(r.location().city());
            }
        }
        b.append(", farm ").append(r.farmId()).append(", ").append(price(r)).append("/core-hour");
        return b.toString();
    }

    static String gpus(CapacityRecord r) {
        if (r.gpus().isEmpty()) {
            return "-";
        }
        return r.gpus().stream().map(g -> g.free() + "/" + g.count() + " " + g.vendor() + " " + g.model() + " "
                + ByteSize.format(g.memoryBytes())).collect(Collectors.joining("; "));
    }

    static String price(CapacityRecord r) {
        String amount = BigDecimal.valueOf(r.price().coreHour(), 6).stripTrailingZeros().toPlainString();
        return r.price().currency().isEmpty() ? amount : amount + " " + r.price().currency();
    }

    /** {@code 64GiB}, {@code 2TiB}, {@code 500GB} or bytes. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A decimal amount of the currency, kept in millionths. */
    static final class PriceConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                BigDecimal d = new BigDecimal(value.trim());
                if (d.signum() < 0) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is negative");
                }
                return d.movePointRight(6).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an amount (e.g. 0.05)");
            } catch (ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' has more than 6 decimals or is too large");
            }
        }
    }

    /** {@code LAT,LON} or {@code LAT,LON,RADIUS_KM}. */
    static final class NearConverter implements ITypeConverter<CapacityQuery.Near> {
        /** The radius when none is given: half the Earth's circumference, so every located node is within it. */
        static final double ANYWHERE_KM = 20_038;

        @Override
        public CapacityQuery.Near convert(String value) {
            String[] p = value.split(",");
            if (p.length != 2 && p.length != 3) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not LAT,LON or LAT,LON,RADIUS_KM");
            }
            try {
                double lat = Double.parseDouble(p[0].trim());
                double lon = Double.parseDouble(p[1].trim());
                double radius = p.length == 3 ? Double.parseDouble(p[2].trim()) : ANYWHERE_KM;
                return new CapacityQuery.Near(lat, lon, radius);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not LAT,LON or LAT,LON,RADIUS_KM");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }

    /** {@code 90s}, {@code 5m}, {@code 2h}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Cli.duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' " + e.getMessage());
            }
        }
    }

    /** How matches are ordered on the command line. */
    enum SortBy {
        NONE(CapacityQuery.Sort.NONE), PRICE(CapacityQuery.Sort.PRICE), FREE(CapacityQuery.Sort.FREE_CAPACITY),
        DISTANCE(CapacityQuery.Sort.DISTANCE), RANDOM(CapacityQuery.Sort.RANDOM);

        final CapacityQuery.Sort sort;

        SortBy(CapacityQuery.Sort sort) {
            this.sort = sort;
        }
    }

    @Command(name = "find-capacity", sortOptions = false,
            description = {"Find nodes by the capacity they advertise, through the grid DHT's capacity index.",
                "Every record is verified (signature, expiry, band) and filtered exactly; prints a table and the "
                    + "query's cost, or one JSON document with --json."},
            footer = {"", "Examples:", "  grid-peer find-capacity --min-free-cores 8 --min-free-memory 32GiB --gpu nvidia --min-gpu-memory 24GiB \\", "      --country BE,NL --max-price 0.03 --near 50.85,4.35 --limit 5 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
    static final class FindCapacity implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bootstrap", required = true, description = "Peer to join through (multiaddr with /p2p; repeatable).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--protocol", defaultValue = DhtConfig.GRID_PROTOCOL, description = "Kad protocol id (default: ${DEFAULT-VALUE}).")
        String protocol;

        @Option(names = "--min-free-cores", paramLabel = "N", description = "At least N free cores.")
        Long minFreeCores;

        @Option(names = "--min-free-memory", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "At least this much free memory (e.g. 32GiB).")
        Long minFreeMemory;

        @Option(names = "--min-free-ssd", paramLabel = "SIZE", converter = SizeConverter.class, description = "At least this much free SSD.")
        Long minFreeSsd;

        @Option(names = "--min-free-hdd", paramLabel = "SIZE", converter = SizeConverter.class, description = "At least this much free HDD.")
        Long minFreeHdd;

        @Option(names = "--gpu", paramLabel = "VENDOR", split = ",",
                description = "A free GPU of any of these vendors (nvidia, amd, intel; 'any' for any vendor).")
        List<String> gpu = new ArrayList<>();

        @Option(names = "--gpu-model", paramLabel = "TEXT", description = "GPU model containing this text (e.g. 4090).")
        String gpuModel;

        @Option(names = "--min-gpus", paramLabel = "N", description = "At least N free matching GPUs.")
        Integer minGpus;

        @Option(names = "--min-gpu-memory", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "GPUs with at least this much memory each (e.g. 24GiB).")
        Long minGpuMemory;

        @Option(names = "--country", paramLabel = "CC", split = ",", description = "Any of these countries (e.g. BE,NL).")
        List<String> countries = new ArrayList<>();

        @Option(names = "--city", paramLabel = "NAME", split = ",", description = "Any of these cities.")
        List<String> cities = new ArrayList<>();

        @Option(names = "--farm", paramLabel = "ID", split = ",", description = "Any of these farm ids.")
        List<Long> farms = new ArrayList<>();

        @Option(names = "--certified", description = "Only certified (or gold) farms.")
        boolean certified;

        @Option(names = "--max-price", paramLabel = "AMOUNT", converter = PriceConverter.class,
                description = "Highest price of a core-hour, in the records' currency (e.g. 0.05).")
        Long maxPrice;

        @Option(names = "--near", paramLabel = "LAT,LON[,KM]", converter = NearConverter.class,
                description = "Nodes within KM of a point (anywhere without KM); sorts by distance unless --sort says otherwise.")
        CapacityQuery.Near near;

        @Option(names = "--min-public-ipv4", paramLabel = "N", description = "At least N free public IPv4 addresses.")
        Integer minPublicIpv4;

        @Option(names = "--ipv6", description = "Only nodes with public IPv6.")
        boolean ipv6;

        @Option(names = "--fresh", paramLabel = "AGE", converter = DurationConverter.class,
                description = "Only records issued within AGE (e.g. 5m).")
        Duration fresh;

        @Option(names = "--node", paramLabel = "PEER_ID", description = "Only these nodes (repeatable).")
        List<String> nodes = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "PEER_ID", description = "Not these nodes (repeatable).")
        List<String> excluded = new ArrayList<>();

        @Option(names = "--sort", paramLabel = "ORDER", description = "price, free, distance, random or none.")
        SortBy sort;

        @Option(names = "--seed", description = "Seed of --sort random (default: a random one).")
        Long seed;

        @Option(names = "--limit", defaultValue = "10", paramLabel = "N", description = "Most matches to print, 0 = all (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--continue", paramLabel = "TOKEN", description = "Next page of the same query.")
        String continuation;

        @Option(names = "--json", description = "Print one JSON document instead of a table.")
        boolean json;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        /** The query the options state; refuses bad input before any network work. */
        CapacityQuery query() {
            try {
                CapacityQuery.Builder b = CapacityQuery.builder();
                if (minFreeCores != null) {
                    b.minFreeCores(minFreeCores);
                }
                if (minFreeMemory != null) {
                    b.minFreeMemory(minFreeMemory);
                }
                if (minFreeSsd != null) {
                    b.minFreeSsd(minFreeSsd);
                }
                if (minFreeHdd != null) {
                    b.minFreeHdd(minFreeHdd);
                }
                List<String> vendors = gpu.stream().filter(v -> !v.equalsIgnoreCase("any")).toList();
                if (!gpu.isEmpty()) {
                    b.gpu(true);
                }
                if (!vendors.isEmpty()) {
                    b.gpuVendors(vendors.toArray(String[]::new));
                }
                if (gpuModel != null) {
                    b.gpuModel(gpuModel);
                }
                if (minGpus != null) {
                    if (minGpus < 1) {
                        throw new IllegalArgumentException("--min-gpus must be >= 1, got " + minGpus);
                    }
                    b.minGpuCount(minGpus);
                }
                if (minGpuMemory != null) {
                    b.minGpuMemory(minGpuMemory);
                }
                b.countries(countries.toArray(String[]::new));
                b.cities(cities.toArray(String[]::new));
                for (long f : farms) {
                    if (f < 0) {
                        throw new IllegalArgumentException("farm ids are >= 0, got " + f);
                    }
                    b.farms(f);
                }
                if (certified) {
                    b.minCertification(CapacityRecord.Certification.CERTIFIED);
                }
                if (maxPrice != null) {
                    b.maxPricePerCoreHour(maxPrice);
                }
                if (near != null) {
                    b.near(near.latitude(), near.longitude(), near.radiusKm());
                }
                if (minPublicIpv4 != null) {
                    b.minPublicIpv4(minPublicIpv4);
                }
                b.ipv6(ipv6);
                if (fresh != null) {
                    b.freshWithin(fresh);
                }
                for (String n : nodes) {
                    b.includeNodes(PeerId.parse(n));
                }
                for (String n : excluded) {
                    b.excludeNodes(PeerId.parse(n));
                }
                SortBy order = sort != null ? sort : near != null ? SortBy.DISTANCE : SortBy.NONE;
                b.sort(order.sort);
                if (seed != null) {
                    b.seed(seed);
                } else if (order == SortBy.RANDOM) {
                    b.seed(new java.util.Random().nextLong());
                }
                b.limit(limit);
                if (continuation != null) {
                    b.continuation(continuation);
                }
                return b.build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "invalid query: " + e.getMessage(), e);
            }
        }

        @Override
        public Integer call() throws Exception {
            CapacityQuery q = query();
            if (bootstrap.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap needs a peer address");
            }
            for (String a : bootstrap) {
                try {
                    io.gridoverlay.core.encoding.Multiaddr.parse(a);
                } catch (RuntimeException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap '" + a + "' is not a multiaddr: "
                            + e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (DhtPeer peer = DhtPeer.start(Ed25519.generate().privateKey(), List.of(), protocol, false)) {
                List<String> why = new java.util.ArrayList<>();
                int joined = Progress.await("bootstrap", peer.bootstrap(bootstrap, why), timeoutSeconds, json);
                if (joined == 0) {
                    err.println("find-capacity: could not reach any bootstrap peer: " + String.join("; ", why));
                    err.flush();
                    return Cli.UNREACHABLE;
                }
                CapacityQueryResult r = Progress.await("query", CapacityFinder.create(peer.dht).find(q), timeoutSeconds, json);
                if (json) {
                    out.println(toJson(q, r));
                } else {
                    printTable(out, q, r);
                }
                out.flush();
                return 0;
            }
        }
    }

    static String toJson(CapacityQuery q, CapacityQueryResult r) throws java.io.IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("query", q.toString());
        ArrayNode matches = root.putArray("matches");
        for (CapacityMatch match : r.matches()) {
            ObjectNode o = matches.addObject();
            o.put("nodeId", match.record().nodeId().toBase58());
            if (Double.isNaN(match.distanceKm())) {
                o.putNull("distanceKm");
            } else {
                o.put("distanceKm", Math.round(match.distanceKm() * 10) / 10.0);
            }
            o.put("ageSeconds", match.age().toSeconds());
            o.set("record", m.readTree(match.record().toJson()));
        }
        if (r.continuation().isPresent()) {
            root.put("continuation", r.continuation().get());
        } else {
            root.putNull("continuation");
        }
        CapacityQueryResult.Cost c = r.cost();
        ObjectNode cost = root.putObject("cost");
        cost.put("plan", c.plan());
        cost.put("keysWalked", c.keysWalked());
        cost.put("lookups", c.lookups());
        cost.put("messages", c.messages());
        cost.put("maxRounds", c.maxRounds());
        cost.put("recordsFetched", c.recordsFetched());
        cost.put("recordsRejected", c.recordsRejected());
        cost.put("bytes", c.bytes());
        cost.put("elapsedMillis", c.elapsedMillis());
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    static void printTable(PrintWriter out, CapacityQuery q, CapacityQueryResult r) {
        String[] head = {"NODE", "FARM", "CC", "CORES", "MEMORY", "GPUS", "PRICE/CORE-H", "KM", "AGE"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (CapacityMatch m : r.matches()) {
            CapacityRecord rec = m.record();
            rows.add(new String[] {rec.nodeId().toBase58(), Long.toString(rec.farmId()),
                rec.location().country().isEmpty() ? "-" : rec.location().country(),
                rec.free().cores() + "/" + rec.total().cores(),
                ByteSize.format(rec.free().memoryBytes()) + "/" + ByteSize.format(rec.total().memoryBytes()),
                gpus(rec), price(rec),
                Double.isNaN(m.distanceKm()) ? "-" : String.format(Locale.ROOT, "%.0f", m.distanceKm()),
                age(m.age())});
        }
        int[] width = new int[head.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                b.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", row[i]));
            }
            out.println(b.toString().stripTrailing());
        }
        CapacityQueryResult.Cost c = r.cost();
        out.printf(Locale.ROOT, "# %d match%s (free/total cores and memory); %s%n", r.matches().size(),
                r.matches().size() == 1 ? "" : "es", q);
        // hop depth 0 is not "no work": the index holders were already in the routing table (a small grid)
        out.printf(Locale.ROOT, "# cost: plan %s, %d keys walked, %d lookups, %d messages, hop depth %d%s, %d records "
                + "fetched (%d rejected), %s, %d ms%n", c.plan(), c.keysWalked(), c.lookups(), c.messages(),
                c.maxRounds(), c.maxRounds() == 0 ? " (holders already in the routing table)" : "",
                c.recordsFetched(), c.recordsRejected(), ByteSize.format(c.bytes()), c.elapsedMillis());
        r.continuation().ifPresent(t -> out.println("# more: --continue " + t));
    }

    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h";
    }
}
