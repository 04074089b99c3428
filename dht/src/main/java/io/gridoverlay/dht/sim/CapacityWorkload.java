package io.gridoverlay.dht.sim;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.capacity.CapacityFinder;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityIndexStore;
import io.gridoverlay.dht.capacity.CapacityMatch;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Capacity discovery as a {@link Workload}: every honest server runs the real {@link CapacityIndexStore}
 * as its {@code /gidx/} keyspace and a {@link CapacityPublisher} signing a record from a seeded
 * {@link CapacityMix} with its own identity key; queries are the real {@link CapacityFinder}. Everything
 * runs under the scenario's latency, loss and churn.
 *
 * <p><b>Timeline.</b> Before measuring (no churn yet) every online server publishes once, at a uniformly
 * random moment of one refresh interval (the steady state's phases), and the simulation waits until every
 * publication has completed. During the measurement span: {@link Config#queriesPerShape()} queries of each
 * {@link #SHAPES shape}, each asked twice (all matches, and {@code limit 5}), from random live nodes at
 * evenly spaced times; nodes that rejoin after churn publish again 5 s after they start. After the span:
 * (30 s later, so that no query of the span is still running) the freshness test (free cores of {@link Config#changes()} nodes drop to 0, the nodes publish at once;
 * queries on the new and the old band 30 s and one refresh interval later), then the stop test
 * ({@link Config#stops()} nodes stop publishing; a query on their farms one refresh interval, one TTL and
 * one TTL + 30 s later), then a crawl of the network from one node (the crawler baseline).
 *
 * <p><b>Ground truth</b> (brute force over all nodes, judged when a query completes): a node is live when it
 * is online and has completed a publication in its current incarnation before the query started and has
 * not stopped; its record is its current capacity. Precision = returned nodes that are live and whose
 * current record matches, over returned; recall = live matches returned, over live matches.
 *
 * <p>Single-threaded (the simulation's thread); one instance per simulation.
 *
 * <p>Size: one workload script (publication, changes, stops, queries, crawl) with its ground truth, which
 * must stay next to the events it judges; the report is {@link CapacityReport}.
 */
public final class CapacityWorkload implements Workload {
    private static final long GIB = 1L << 30;
    private static final long REJOIN_PUBLISH_DELAY = Duration.ofSeconds(5).toNanos();
    private static final int CRAWL_CONCURRENCY = 64;

    /**
     * @param index           the capacity index settings (the clock is replaced by the virtual one)
     * @param queriesPerShape queries of each shape (each asked for all matches and for 5)
     * @param holders         holders a finder reads per index key
     * @param changes         nodes whose free capacity changes in the freshness test
     * @param stops           nodes that stop publishing in the stop test
     * @param crawl           run the crawler baseline at the end
     * @param seed            seed of the capacity mix and of the workload's choices
     */
    public record Config(CapacityIndexConfig index, int queriesPerShape, int holders, int changes, int stops,
                         boolean crawl, long seed) {
        public Config {
            Objects.requireNonNull(index, "index");
            if (queriesPerShape < 0 || holders < 1 || changes < 0 || stops < 0) {
                throw new IllegalArgumentException("queriesPerShape, changes, stops >= 0 and holders >= 1");
            }
        }

        /** The index defaults, 20 queries per shape, 3 holders, 20 changes, 20 stops, a crawl. */
        public static Config defaults(long seed) {
            return new Config(CapacityIndexConfig.defaults(), 20, 3, 20, 20, true, seed);
        }

        public Config withQueriesPerShape(int n) {
            return new Config(index, n, holders, changes, stops, crawl, seed);
        }

        public Config withCrawl(boolean c) {
            return new Config(index, queriesPerShape, holders, changes, stops, c, seed);
        }

        public Config withIndex(CapacityIndexConfig c) {
            return new Config(c, queriesPerShape, holders, changes, stops, crawl, seed);
        }

        public Config withTests(int changeCount, int stopCount) {
            return new Config(index, queriesPerShape, holders, changeCount, stopCount, crawl, seed);
        }
    }

    /** A query shape: a name and how to build one instance (the farm shape picks a random node's farm). */
    public record Shape(String name, String description, BiFunction<SplittableRandom, CapacityRecord[], CapacityQuery.Builder> query) {
    }

    /** The fixed query shapes of the report. */
    public static final List<Shape> SHAPES = List.of(
            new Shape("issue-example", ">= 8 free cores, >= 32 GiB free memory, NVIDIA GPU >= 24 GiB, BE or NL, certified, "
                    + "<= 0.04 per core-hour, within 300 km of Brussels",
                    (r, recs) -> CapacityQuery.builder().minFreeCores(8).minFreeMemory(32 * GIB).gpu(true)
                            .gpuVendors("nvidia").minGpuMemory(24 * GIB).countries("BE", "NL")
                            .minCertification(Certification.CERTIFIED).maxPricePerCoreHour(40_000)
                            .near(50.85, 4.35, 300)),
            new Shape("country", "country = DE", (r, recs) -> CapacityQuery.builder().countries("DE")),
            new Shape("farm", "farm = the farm of a random node", (r, recs) -> {
                CapacityRecord x = recs[r.nextInt(recs.length)];
                return CapacityQuery.builder().farms(x == null ? 1 : x.farmId());
            }),
            new Shape("big", ">= 64 free cores and >= 256 GiB free memory",
                    (r, recs) -> CapacityQuery.builder().minFreeCores(64).minFreeMemory(256 * GIB)),
            new Shape("any-gpu", "at least one free GPU", (r, recs) -> CapacityQuery.builder().gpu(true)),
            new Shape("all", "no filter", (r, recs) -> CapacityQuery.builder()));

    /** One query and how it went. Precision and recall are against the live ground truth at completion. */
    public record QuerySample(String shape, int limit, int source, double startSeconds, double latencyMillis,
                              int truth, int returned, int correct, int truthFound, int stale,
                              int verifiedMatches, long messages, int lookups, int rounds, int fetched, int rejected,
                              String plan) {
        public static final String CSV_HEADER = "shape,limit,source,start_s,latency_ms,truth,returned,correct,"
                + "truth_found,stale,verified,messages,lookups,rounds,fetched,rejected,plan";

        public double precision() {
            return returned == 0 ? 1 : correct / (double) returned;
        }

        /** For an unlimited query, the share of the truth returned; for a limited one, of min(limit, truth). */
        public double recall() {
            int want = limit == 0 ? truth : Math.min(limit, truth);
            return want == 0 ? 1 : Math.min(want, limit == 0 ? truthFound : correct) / (double) want;
        }

        public String toCsv() {
            return String.join(",", shape, Integer.toString(limit), Integer.toString(source),
                    String.format(java.util.Locale.ROOT, "%.3f", startSeconds),
                    String.format(java.util.Locale.ROOT, "%.1f", latencyMillis), Integer.toString(truth),
                    Integer.toString(returned), Integer.toString(correct), Integer.toString(truthFound),
                    Integer.toString(stale), Integer.toString(verifiedMatches), Long.toString(messages),
                    Integer.toString(lookups), Integer.toString(rounds), Integer.toString(fetched),
                    Integer.toString(rejected), plan.replace(',', ';'));
        }
    }

    /** A probe of the freshness or stop test: at {@code afterSeconds}, how many of the tested nodes showed. */
    public record Probe(String test, double afterSeconds, int tested, int seen, long messages) {
    }

    /** Index entries held per online server (one value per server). */
    public record Load(int servers, long total, int max, double mean, int p99, int[] perServer) {
        static Load of(int[] v) {
            int[] sorted = v.clone();
            Arrays.sort(sorted);
            long total = 0;
            for (int x : v) {
                total += x;
            }
            return new Load(v.length, total, v.length == 0 ? 0 : sorted[v.length - 1],
                    v.length == 0 ? 0 : total / (double) v.length,
                    v.length == 0 ? 0 : sorted[Math.min(v.length - 1, (int) Math.ceil(0.99 * v.length) - 1)], v);
        }
    }

    /** The crawler baseline: FIND_NODE requests to enumerate the network, nodes found, virtual time. */
    public record Crawl(int crawler, long requests, long failures, int found, int liveServers, double seconds) {
    }

    /** Everything the workload measured. */
    public record Result(List<QuerySample> queries, List<Probe> probes, Load loadAfterPublish, Load loadAtEnd,
                         long publications, long publicationRequests, long publicationFailures, double meanRecordBytes,
                         long refreshes, long refreshRequests, Crawl crawl, CapacityIndexConfig index, int holders) {
    }

    private final Config config;
    private CapacityIndexConfig indexConfig;
    private CapacityMix mix;
    private SplittableRandom random;
    private Context ctx;
    /** Per node: current capacity (unsigned template), publisher, store, when its publication completed. */
    private CapacityRecord[] capacity;
    private CapacityPublisher[] publishers;
    private CapacityIndexStore[] stores;
    private long[] publishedAt;
    private boolean[] stopped;
    private final Map<Integer, List<Runnable>> pendingBySource = new HashMap<>();
    private int pending;
    private int scheduled;
    private long publications;
    private long publicationRequests;
    private long publicationFailures;
    private long recordBytes;
    /** Refreshes (and their requests) of publishers that are gone: crashed nodes, stopped or replaced ones. */
    private long refreshesGone;
    private long refreshRequestsGone;
    private final List<QuerySample> samples = new ArrayList<>();
    private final List<Probe> probes = new ArrayList<>();
    private Load loadAfterPublish;
    private Load loadAtEnd;
    private Crawl crawl;

    public CapacityWorkload(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    private void init(Context c) {
        if (ctx != null) {
            return;
        }
        ctx = c;
        int n = c.nodes();
        indexConfig = config.index().withClock(c.network().clock());
        mix = new CapacityMix(config.seed());
        random = new SplittableRandom(config.seed() * 7 + 3);
        capacity = new CapacityRecord[n];
        publishers = new CapacityPublisher[n];
        stores = new CapacityIndexStore[n];
        publishedAt = new long[n];
        Arrays.fill(publishedAt, -1);
        stopped = new boolean[n];
    }

    @Override
    public void configure(Context c, int i, DhtConfig.Builder builder) {
        init(c);
        builder.keyspace(() -> {
            CapacityIndexStore s = new CapacityIndexStore(indexConfig);
            stores[i] = s;
            return s;
        });
    }

    // ------------------------------------------------------------------ publishing

    @Override
    public void prepare(Context c) {
        init(c);
        SimulatedNetwork net = c.network();
        for (int i = 0; i < c.nodes(); i++) {
            if (c.honestServer(i) && c.privateKey(i) != null) {
                capacity[i] = mix.next(c.info(i).peerId(), net.clock().instant());
            }
        }
        long now = net.nanoTime();
        long interval = indexConfig.refreshInterval().toNanos();
        int[] left = {0};
        for (int i = 0; i < c.nodes(); i++) {
            if (capacity[i] != null && c.online(i)) {
                int node = i;
                left[0]++;
                net.at(now + random.nextLong(interval), () -> publish(node, () -> left[0]--));
            }
        }
        net.runUntil(() -> left[0] == 0);
        loadAfterPublish = load();
    }

    /** Starts node {@code i}'s publisher (if it has none) and publishes its current capacity. */
    private void publish(int i, Runnable done) {
        if (!ctx.online(i) || stopped[i]) {
            done.run();
            return;
        }
        if (publishers[i] == null) {
            PrivateKey key = ctx.privateKey(i);
            publishers[i] = CapacityPublisher.create(ctx.dht(i), key, indexConfig);
        }
        CapacityPublisher p = publishers[i];
        p.publish(capacity[i]).whenComplete((pub, e) -> {
            publications++;
            if (e != null) {
                publicationFailures++;
            } else {
                publicationRequests += pub.requests();
                recordBytes += pub.record().toBytes().length;
                if (!pub.failed().isEmpty()) {
                    publicationFailures++;
                }
                if (publishers[i] == p && publishedAt[i] < 0) {
                    publishedAt[i] = ctx.network().nanoTime();
                }
            }
            done.run();
        });
    }

    @Override
    public void onCrash(int i) {
        forgetPublisher(i); // its scheduler died with the node: no more refreshes
        stores[i] = null;
        publishedAt[i] = -1;
        List<Runnable> aborted = pendingBySource.remove(i);
        if (aborted != null) {
            aborted.forEach(Runnable::run);
        }
    }

    @Override
    public void onRejoin(int i) {
        if (capacity[i] == null) {
            return;
        }
        ctx.network().at(ctx.network().nanoTime() + REJOIN_PUBLISH_DELAY, () -> publish(i, () -> { }));
    }

    private boolean live(int i, long since) {
        return capacity[i] != null && ctx.online(i) && !stopped[i] && publishedAt[i] >= 0 && publishedAt[i] <= since;
    }

    // ------------------------------------------------------------------ measurement

    @Override
    public long start(Context c, long start, long span) {
        init(c);
        SimulatedNetwork net = c.network();
        int shapes = SHAPES.size();
        int total = shapes * config.queriesPerShape() * 2;
        List<int[]> order = new ArrayList<>();
        for (int s = 0; s < shapes; s++) {
            for (int q = 0; q < config.queriesPerShape(); q++) {
                order.add(new int[] {s, 0});
                order.add(new int[] {s, 5});
            }
        }
        for (int j = order.size() - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            int[] t = order.get(j);
            order.set(j, order.get(k));
            order.set(k, t);
        }
        for (int j = 0; j < total; j++) {
            int[] o = order.get(j);
            at(start + (long) ((j + 0.5) * span / total), () -> query(SHAPES.get(o[0]), o[1]));
        }
        long refresh = indexConfig.refreshInterval().toNanos();
        long ttl = indexConfig.recordTtl().toNanos();
        long thirty = Duration.ofSeconds(30).toNanos();
        long t = start + span + thirty; // after the last query of the span has completed
        if (config.changes() > 0) {
            at(t, () -> freshnessTest(new long[] {thirty, refresh}));
        }
        long stopAt = t + Duration.ofSeconds(60).toNanos();
        if (config.stops() > 0) {
            at(stopAt, () -> stopTest(new long[] {refresh, ttl, ttl + thirty}));
        }
        long end = Math.max(t + refresh, stopAt + ttl + thirty) + Duration.ofSeconds(60).toNanos();
        if (config.crawl()) {
            at(end, this::crawl);
        }
        return end;
    }

    private void at(long time, Runnable task) {
        scheduled++;
        ctx.network().at(time, () -> {
            scheduled--;
            task.run();
        });
    }

    @Override
    public boolean done() {
        return scheduled == 0 && pending == 0;
    }

    @Override
    public void finish(Context c) {
        loadAtEnd = load();
    }

    private void forgetPublisher(int i) {
        if (publishers[i] != null) {
            refreshesGone += publishers[i].refreshes();
            refreshRequestsGone += publishers[i].refreshRequests();
            publishers[i] = null;
        }
    }

    /** The result (after the simulation ran). */
    public Result result() {
        long refreshes = refreshesGone;
        long refreshRequests = refreshRequestsGone;
        for (CapacityPublisher p : publishers) {
            if (p != null) {
                refreshes += p.refreshes();
                refreshRequests += p.refreshRequests();
            }
        }
        return new Result(List.copyOf(samples), List.copyOf(probes), loadAfterPublish, loadAtEnd, publications,
                publicationRequests, publicationFailures, publications == 0 ? 0 : recordBytes / (double) publications,
                refreshes, refreshRequests, crawl, indexConfig, config.holders());
    }

    private Load load() {
        List<Integer> v = new ArrayList<>();
        for (int i = 0; i < ctx.nodes(); i++) {
            if (ctx.online(i) && ctx.honestServer(i) && stores[i] != null) {
                v.add(stores[i].size());
            }
        }
        return Load.of(v.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Runs {@code q} from a random live node; {@code then} gets the result (not called if the source crashes). */
    private void run(CapacityQuery q, java.util.function.BiConsumer<Integer, CapacityQueryResult> then) {
        int src = ctx.randomLiveHonest(-1);
        if (src < 0) {
            return;
        }
        pending++;
        boolean[] over = {false};
        Runnable abort = () -> {
            if (!over[0]) {
                over[0] = true;
                pending--;
            }
        };
        pendingBySource.computeIfAbsent(src, k -> new ArrayList<>()).add(abort);
        CapacityFinder.create(ctx.dht(src), config.holders(), 3).find(q).whenComplete((r, e) -> {
            if (over[0]) {
                return;
            }
            over[0] = true;
            pending--;
            List<Runnable> mine = pendingBySource.get(src);
            if (mine != null) {
                mine.remove(abort);
            }
            if (e == null) {
                then.accept(src, r);
            }
        });
    }

    private void query(Shape shape, int limit) {
        CapacityQuery q = shape.query().apply(random, capacity).limit(limit).build();
        long start = ctx.network().nanoTime();
        run(q, (src, r) -> samples.add(judge(shape.name(), q, src, start, r)));
    }

    private QuerySample judge(String shape, CapacityQuery q, int src, long start, CapacityQueryResult r) {
        SimulatedNetwork net = ctx.network();
        java.time.Instant now = net.clock().instant();
        Set<Integer> truth = new HashSet<>();
        for (int i = 0; i < ctx.nodes(); i++) {
            if (live(i, start) && q.matches(capacity[i], now)) {
                truth.add(i);
            }
        }
        int correct = 0;
        int found = 0;
        int stale = 0;
        int verified = 0;
        for (CapacityMatch m : r.matches()) {
            int i = indexOf(m.record().nodeId());
            if (q.matches(m.record(), now)) {
                verified++;
            }
            boolean current = i >= 0 && capacity[i] != null && ctx.online(i) && !stopped[i] && publishedAt[i] >= 0;
            if (current && q.matches(capacity[i], now)) {
                correct++;
            }
            if (current && !m.record().free().equals(capacity[i].free())) {
                stale++;
            }
            if (truth.contains(i)) {
                found++;
            }
        }
        CapacityQueryResult.Cost c = r.cost();
        return new QuerySample(shape, q.limit(), src, start / 1e9, (net.nanoTime() - start) / 1e6, truth.size(),
                r.matches().size(), correct, found, stale, verified, c.messages(), c.lookups(), c.maxRounds(),
                c.recordsFetched(), c.recordsRejected(), c.plan());
    }

    private Map<PeerId, Integer> indexOf;

    private int indexOf(PeerId id) {
        if (indexOf == null) {
            indexOf = new HashMap<>();
            for (int i = 0; i < ctx.nodes(); i++) {
                indexOf.put(ctx.info(i).peerId(), i);
            }
        }
        return indexOf.getOrDefault(id, -1);
    }

    /** A random live, published, not stopped node satisfying {@code ok}, not in {@code taken}; -1 if none. */
    private int pick(java.util.function.IntPredicate ok, Set<Integer> taken) {
        long now = ctx.network().nanoTime();
        for (int attempt = 0; attempt < 100_000; attempt++) {
            int i = random.nextInt(ctx.nodes());
            if (live(i, now) && ok.test(i) && !taken.contains(i)) {
                return i;
            }
        }
        return -1;
    }

    private final Set<Integer> tested = new HashSet<>();

    /** Free cores of some nodes drop to 0; they publish at once; queries on both bands follow. */
    private void freshnessTest(long[] delays) {
        long t0 = ctx.network().nanoTime();
        Map<Integer, int[]> changed = new TreeMap<>(); // node -> {old free cores}
        for (int k = 0; k < config.changes(); k++) {
            int i = pick(x -> capacity[x].free().cores() >= 2, tested);
            if (i < 0) {
                break;
            }
            tested.add(i);
            CapacityRecord old = capacity[i];
            changed.put(i, new int[] {old.free().cores()});
            CapacityRecord.Resources f = old.free();
            capacity[i] = old.toBuilder().free(new CapacityRecord.Resources(0, f.memoryBytes(), f.ssdBytes(),
                    f.hddBytes())).build();
            publish(i, () -> { });
        }
        for (long d : delays) {
            at(t0 + d, () -> {
                Set<Integer> still = new HashSet<>();
                for (int i : changed.keySet()) {
                    if (live(i, t0 + d) || (ctx.online(i) && publishedAt[i] >= 0)) {
                        still.add(i);
                    }
                }
                // the new band: free cores exactly 0
                CapacityQuery fresh = CapacityQuery.builder().freeCores(new CapacityQuery.Range(0, 0)).build();
                run(fresh, (src, r) -> {
                    int seen = 0;
                    for (CapacityMatch m : r.matches()) {
                        int i = indexOf(m.record().nodeId());
                        if (still.contains(i)) {
                            seen++;
                        }
                    }
                    probes.add(new Probe("changed node seen in its new band", d / 1e9, still.size(), seen,
                            r.cost().messages()));
                });
                // the old bands: one query per distinct old band, counting changed nodes still shown there
                Map<Integer, List<Integer>> byBand = new TreeMap<>();
                for (int i : still) {
                    int c = changed.get(i)[0];
                    byBand.computeIfAbsent(63 - Long.numberOfLeadingZeros(c), b -> new ArrayList<>()).add(i);
                }
                int[] seenOld = {0};
                long[] messages = {0};
                int[] left = {byBand.size()};
                for (Map.Entry<Integer, List<Integer>> e : byBand.entrySet()) {
                    long lo = 1L << e.getKey();
                    CapacityQuery old = CapacityQuery.builder().freeCores(new CapacityQuery.Range(lo, 2 * lo - 1)).build();
                    Set<Integer> mine = new HashSet<>(e.getValue());
                    run(old, (src, r) -> {
                        for (CapacityMatch m : r.matches()) {
                            if (mine.contains(indexOf(m.record().nodeId()))) {
                                seenOld[0]++;
                            }
                        }
                        messages[0] += r.cost().messages();
                        if (--left[0] == 0) {
                            probes.add(new Probe("changed node still seen in its old band", d / 1e9, still.size(),
                                    seenOld[0], messages[0]));
                        }
                    });
                }
            });
        }
    }

    /** Some nodes stop publishing (they stay online); a query on their farms follows at each delay. */
    private void stopTest(long[] delays) {
        long t0 = ctx.network().nanoTime();
        List<Integer> gone = new ArrayList<>();
        for (int k = 0; k < config.stops(); k++) {
            int i = pick(x -> true, tested);
            if (i < 0) {
                break;
            }
            tested.add(i);
            gone.add(i);
            publishers[i].close();
            stopped[i] = true;
        }
        long[] farms = gone.stream().mapToLong(i -> capacity[i].farmId()).distinct().toArray();
        for (long d : delays) {
            at(t0 + d, () -> {
                CapacityQuery q = CapacityQuery.builder().farms(farms).build();
                run(q, (src, r) -> {
                    Set<Integer> returned = new HashSet<>();
                    r.matches().forEach(m -> returned.add(indexOf(m.record().nodeId())));
                    int seen = (int) gone.stream().filter(returned::contains).count();
                    probes.add(new Probe("stopped node still returned", d / 1e9, gone.size(), seen,
                            r.cost().messages()));
                });
            });
        }
    }

    // ------------------------------------------------------------------ crawler baseline

    /**
     * Enumerates the network from one node as a DHT crawler does: to every peer it learns of, one FIND_NODE
     * per bucket (a key sharing exactly c leading bits with the peer's key, c = 0 .. log2 N + 1, from a
     * precomputed table of hash preimages per key prefix), {@value #CRAWL_CONCURRENCY} requests at a time,
     * until no new peer appears.
     */
    private void crawl() {
        int crawler = ctx.randomLiveHonest(-1);
        if (crawler < 0) {
            return;
        }
        int buckets = 2 + (int) Math.ceil(Math.log(ctx.nodes()) / Math.log(2));
        int bits = Math.min(20, buckets + 2);
        byte[][] preimage = new byte[1 << bits][];
        int filled = 0;
        for (long c = 0; filled < preimage.length; c++) {
            byte[] b = java.nio.ByteBuffer.allocate(8).putLong(c).array();
            int prefix = (int) (io.gridoverlay.dht.routing.Key.sha256(b).word(0) >>> (64 - bits));
            if (preimage[prefix] == null) {
                preimage[prefix] = b;
                filled++;
            }
        }
        SimulatedNetwork.Endpoint ep = ctx.endpoint(crawler);
        long t0 = ctx.network().nanoTime();
        Set<PeerId> seen = new HashSet<>();
        seen.add(ctx.info(crawler).peerId());
        ArrayDeque<KadRequestTo> queue = new ArrayDeque<>();
        java.util.function.Consumer<PeerInfo> learn = p -> {
            if (!seen.add(p.peerId())) {
                return;
            }
            int own = (int) (p.key().word(0) >>> (64 - bits));
            for (int c = 0; c < buckets; c++) {
                int keep = c == 0 ? 0 : own & ~((1 << (bits - c)) - 1);
                int flip = ~own & (1 << (bits - 1 - c));
                int low = random.nextInt(1 << (bits - 1 - c));
                queue.add(new KadRequestTo(p, new KadRequest.FindNode(preimage[keep | flip | low])));
            }
        };
        for (PeerInfo p : ctx.dht(crawler).localClosestPeers(ctx.info(crawler).key(), Integer.MAX_VALUE)) {
            learn.accept(p);
        }
        Set<PeerId> answeredBy = new HashSet<>();
        long[] stats = new long[3]; // requests, failures, in flight
                pending++;
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (stats[2] < CRAWL_CONCURRENCY && !queue.isEmpty() && !ep.isClosed()) {
                KadRequestTo r = queue.poll();
                stats[0]++;
                stats[2]++;
                ep.send(r.peer(), r.request(), Duration.ofSeconds(10)).whenComplete((resp, e) -> {
                    stats[2]--;
                    if (e != null) {
                        stats[1]++;
                    } else {
                        answeredBy.add(r.peer().peerId());
                        resp.closerPeers().forEach(learn);
                    }
                    pump[0].run();
                });
            }
            if (stats[2] == 0 && (queue.isEmpty() || ep.isClosed()) && crawl == null) {
                int live = 0;
                for (int i = 0; i < ctx.nodes(); i++) {
                    if (ctx.online(i) && ctx.honestServer(i)) {
                        live++;
                    }
                }
                crawl = new Crawl(crawler, stats[0], stats[1], answeredBy.size(), live,
                        (ctx.network().nanoTime() - t0) / 1e9);
                pending--;
            }
        };
        pump[0].run();
    }

    private record KadRequestTo(PeerInfo peer, KadRequest request) {
    }
}
