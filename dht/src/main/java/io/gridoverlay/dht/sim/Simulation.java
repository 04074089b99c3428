package io.gridoverlay.dht.sim;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.DhtMode;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Runs one {@link Scenario} with the real {@link KademliaDht} on a {@link SimulatedNetwork} and measures it.
 *
 * <p><b>Phases.</b> (1) Identities: node i's Ed25519 key is derived from a seeded 32-byte seed, so peer ids
 * are real and reproducible; roles are drawn (adversary, client, honest server). (2) Initial state: with
 * churn, each node starts online with the model's availability; routing tables are filled by the oracle
 * (up to k random live servers per bucket, from {@link GroundTruth}) or by the DHT's own joins. (3)
 * Measurement: lookups to uniformly random keys start at evenly spaced virtual times over
 * {@code duration} from random live honest nodes, interleaved with PUT_VALUE→GET_VALUE ({@code /pk/}
 * records, validated by the real validator) and ADD_PROVIDER→GET_PROVIDERS pairs (the read 30 s after the
 * write, from another random node); churn crashes and rejoins nodes meanwhile. Each lookup result is
 * compared on completion with the true k closest live servers (brute force). (4) Routing-table quality on
 * a sample of live honest nodes at the end.
 *
 * <p>Single-threaded; {@link #run} may be called once per instance.
 *
 * <p>Size: the one script of a simulation run (network set-up, the four phases above, churn, adversaries,
 * ground truth), read top to bottom like the report it writes; workloads that extend it plug in through
 * {@link Workload} (e.g. {@link CapacityWorkload}) and reports are written by {@link SimulationReport}.
 */
public final class Simulation {

    /** Progress callback: {@code done} of {@code total} measured operations finished. */
    @FunctionalInterface
    public interface ProgressListener {
        ProgressListener NONE = (done, total) -> { };

        void onProgress(int done, int total);
    }

    private enum Role { SERVER, CLIENT, ADVERSARY }

    private static final long READ_AFTER_WRITE_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long JOIN_SPACING_NANOS = Duration.ofMillis(20).toNanos();

    private static final class Node {
        final int index;
        final PeerInfo info;
        final Key key;
        final Role role;
        boolean online;
        int incarnation;
        /** Virtual time of the last start (0 for nodes online from the beginning) and of the last crash. */
        long upSince;
        long downSince = Long.MIN_VALUE;
        SimulatedNetwork.Endpoint endpoint;
        KademliaDht dht;
        final List<Op> ops = new ArrayList<>(0);

        Node(int index, PeerInfo info, Key key, Role role) {
            this.index = index;
            this.info = info;
            this.key = key;
            this.role = role;
        }
    }

    /** A measured operation in flight; aborted if its node crashes. */
    private final class Op {
        boolean done;

        boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            finished++;
            progress.onProgress(finished, totalOps);
            return true;
        }
    }

    private final Scenario s;
    private final ProgressListener progress;
    private final SplittableRandom random;
    private final SimulatedNetwork net;
    private final Workload workload;
    /** Identity keys, kept only when a workload signs with them. */
    private PrivateKey[] privateKeys;
    private Node[] nodes;
    private final Map<PeerId, Integer> indexOf = new HashMap<>();
    private GroundTruth truth;
    private Adversary adversary;
    private final List<LookupSample> samples = new ArrayList<>();
    private int totalOps;
    private int finished;
    private int lookupsIssued;
    private int valueChecks;
    private int valueSuccesses;
    private int providerChecks;
    private int providerSuccesses;
    private long rejoins;
    private long measureStart;
    private boolean measuring;
    private boolean ran;
    /** Measured lookups in flight, by FIND_NODE key, observed on the network for the miss diagnosis. */
    private final Map<java.nio.ByteBuffer, Trace> traces = new HashMap<>();

    /** What the network showed of one measured lookup: seeds, peers learned, contacted and answered. */
    private static final class Trace {
        final int source;
        final Set<Integer> learned = new HashSet<>();
        final Set<Integer> contacted = new HashSet<>();
        final Set<Integer> answered = new HashSet<>();
        final int seeds;

        Trace(int source, Set<Integer> seeds) {
            this.source = source;
            this.learned.addAll(seeds);
            this.seeds = seeds.size();
        }
    }

    private final SimulatedNetwork.MessageObserver observer = new SimulatedNetwork.MessageObserver() {
        @Override
        public void onRequestSent(int from, PeerInfo to, KadRequest request, boolean lost) {
            Trace t = traceOf(from, request);
            Integer i = indexOf.get(to.peerId());
            if (t != null && i != null) {
                t.contacted.add(i);
            }
        }

        @Override
        public void onResponseDelivered(int requester, PeerId responder, KadRequest request, KadResponse response) {
            Trace t = traceOf(requester, request);
            Integer i = indexOf.get(responder);
            if (t == null || i == null) {
                return;
            }
            t.answered.add(i);
            for (PeerInfo p : response.closerPeers()) {
                Integer c = indexOf.get(p.peerId());
                if (c != null) {
                    t.learned.add(c);
                }
            }
        }
    };

    private Trace traceOf(int from, KadRequest request) {
        if (traces.isEmpty() || !(request instanceof KadRequest.FindNode)) {
            return null;
        }
        return traces.get(traceKey(from, request.key()));
    }

    private static java.nio.ByteBuffer traceKey(int source, byte[] key) {
        return java.nio.ByteBuffer.allocate(4 + key.length).putInt(source).put(key).flip();
    }

    public Simulation(Scenario scenario, ProgressListener progress) {
        this(scenario, progress, null);
    }

    /** A simulation that also runs {@code workload} (null: lookups only) in the same network. */
    public Simulation(Scenario scenario, ProgressListener progress, Workload workload) {
        this.s = Objects.requireNonNull(scenario, "scenario");
        this.workload = workload == null ? new Workload() { } : workload;
        this.privateKeys = workload == null ? null : new PrivateKey[scenario.nodes()];
        this.progress = Objects.requireNonNull(progress, "progress");
        this.random = new SplittableRandom(scenario.seed());
        this.net = new SimulatedNetwork(new LatencyModel(scenario.latency(), scenario.seed() + 1), scenario.loss(),
                scenario.useCodec(), scenario.seed() + 2);
    }

    /** Runs {@code scenario} without progress reports. */
    public static SimulationResult run(Scenario scenario) {
        return new Simulation(scenario, ProgressListener.NONE).run();
    }

    /** The network (for tests). */
    SimulatedNetwork network() {
        return net;
    }

    /** Runs the scenario. */
    public SimulationResult run() {
        if (ran) {
            throw new IllegalStateException("a Simulation runs once");
        }
        ran = true;
        long t0 = System.nanoTime();
        createIdentities();
        long t1 = System.nanoTime();
        initialState();
        long t2 = System.nanoTime();
        measure();
        SimulationResult.Summary summary = summarise();
        long t3 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        SimulationResult.Costs costs = new SimulationResult.Costs((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000, heapMb, (net.nanoTime() - measureStart) / 1e9);
        return new SimulationResult(s, samples, summary, costs);
    }

    // ------------------------------------------------------------------ phase 1: identities and roles

    private void createIdentities() {
        int n = s.nodes();
        Role[] roles = new Role[n];
        Arrays.fill(roles, Role.SERVER);
        int[] perm = permutation(n);
        int adversaries = s.adversary() == Adversary.Kind.NONE ? 0
                : s.adversary() == Adversary.Kind.SYBIL ? s.sybils() : (int) Math.round(s.adversaryFraction() * n);
        int clients = (int) Math.round(s.clientFraction() * n);
        for (int i = 0; i < adversaries; i++) {
            roles[perm[i]] = Role.ADVERSARY;
        }
        for (int i = adversaries; i < adversaries + clients; i++) {
            roles[perm[i]] = Role.CLIENT;
        }
        nodes = new Node[n];
        Key[] keys = new Key[n];
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        for (int i = 0; i < n; i++) {
            fill(seed);
            PrivateKey pk = Ed25519.fromSeed(seed);
            if (privateKeys != null) {
                privateKeys[i] = pk;
            }
            PeerId id = pk.publicKey().peerId();
            Multiaddr addr = Multiaddr.parse("/ip4/10." + ((i >>> 16) & 0xFF) + "." + ((i >>> 8) & 0xFF) + "."
                    + (i & 0xFF) + "/tcp/4001");
            PeerInfo info = new PeerInfo(id, List.of(addr));
            keys[i] = info.key();
            nodes[i] = new Node(i, info, keys[i], roles[i]);
            indexOf.put(id, i);
        }
        if (s.adversary() == Adversary.Kind.SYBIL) {
            grindSybils(keys);
        }
        truth = new GroundTruth(keys);
        if (adversaries > 0) {
            List<PeerInfo> colluders = new ArrayList<>();
            List<Key> colluderKeys = new ArrayList<>();
            List<PeerInfo> everyone = new ArrayList<>(n);
            for (Node node : nodes) {
                everyone.add(node.info);
                if (node.role == Role.ADVERSARY) {
                    colluders.add(node.info);
                    colluderKeys.add(node.key);
                }
            }
            adversary = new Adversary(s.adversary(), colluders, colluderKeys, everyone, s.k(), s.seed() + 3)
                    .sybilTarget(sybilTargetBytes());
        }
    }

    private byte[] sybilTargetBytes() {
        return s.sybilTarget().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Replaces every adversary's identity with a ground one: a SHA-256 peer id (the form RSA and other
     * large keys take) drawn at random until its Kademlia key is closer to the Sybil target than every
     * honest node's key. An attacker grinds key pairs instead; the expected number of hash trials is the
     * same, about (honest nodes + 1) per identity.
     */
    private void grindSybils(Key[] keys) {
        Key target = Key.sha256(sybilTargetBytes());
        Key closestHonest = null;
        for (Node node : nodes) {
            if (node.role != Role.ADVERSARY
                    && (closestHonest == null || target.compareDistance(node.key, closestHonest) < 0)) {
                closestHonest = node.key;
            }
        }
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 32;
        byte[] digest = new byte[32];
        for (int i = 0; i < nodes.length; i++) {
            Node old = nodes[i];
            if (old.role != Role.ADVERSARY) {
                continue;
            }
            PeerId pid;
            Key key;
            do {
                fill(digest);
                System.arraycopy(digest, 0, id, 2, 32);
                pid = PeerId.fromBytes(id);
                key = KademliaDht.keyOf(pid);
            } while (closestHonest != null && target.compareDistance(key, closestHonest) >= 0
                    || indexOf.containsKey(pid));
            indexOf.remove(old.info.peerId());
            if (privateKeys != null) {
                privateKeys[i] = null;
            }
            indexOf.put(pid, i);
            keys[i] = key;
            nodes[i] = new Node(i, new PeerInfo(pid, old.info.addresses()), key, Role.ADVERSARY);
        }
    }

    private void fill(byte[] b) {
        for (int i = 0; i < b.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < b.length; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    private int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // ------------------------------------------------------------------ node life cycle

    private void start(Node n) {
        n.incarnation++;
        n.endpoint = net.attach(n.index, n.info);
        if (n.role == Role.ADVERSARY) {
            n.endpoint.setBehaviour(adversary.behaviour());
        }
        PeerInfo self = n.info;
        DhtConfig.Builder builder = DhtConfig.builder()
                .routing(RoutingTableConfig.builder().k(s.k()).noDiversityLimits().build())
                .lookup(LookupConfig.builder().parallelism(s.alpha()).resiliency(s.beta()).numResults(s.k())
                        .peerTimeout(s.peerTimeout()).maxAttempts(s.attempts()).answeredOnly(s.answeredOnly())
                        .adaptiveTimeout(s.adaptiveTimeoutMin().isZero() ? null : s.adaptiveTimeoutMin())
                        .build())
                .disjointPaths(s.disjointPaths())
                .mode(n.role != Role.CLIENT ? DhtMode.SERVER : DhtMode.CLIENT)
                .refreshInterval(s.refreshInterval())
                .refreshOnBootstrap(s.bootstrapRefresh())
                .checkFullBuckets(s.bucketCheck())
                .staleCheckInterval(s.staleCheckInterval())
                .recordStore(RecordStoreConfig.builder().clock(net.clock()).build())
                .providerStore(ProviderStoreConfig.builder().clock(net.clock()).build())
                .storeQuota(s.storeQuota());
        workload.configure(context, n.index, builder);
        DhtConfig config = builder.build();
        KademliaDht dht = KademliaDht.builder(n.endpoint)
                .config(config)
                .scheduler(n.endpoint)
                .selfAddresses(self::addresses)
                .seed(s.seed() * 31 + n.index * 1_000_003L + n.incarnation)
                .build();
        n.dht = dht;
        n.endpoint.onServerIdentified(peer -> dht.addPeer(peer, true));
        n.online = true;
        n.upSince = net.nanoTime();
    }

    private void crash(Node n) {
        n.online = false;
        n.downSince = net.nanoTime();
        n.dht.close();
        n.endpoint.close();
        n.dht = null;
        n.endpoint = null;
        for (Op op : n.ops) {
            op.finish();
        }
        n.ops.clear();
        workload.onCrash(n.index);
    }

    private boolean isLiveServer(int i) {
        return nodes[i].online && nodes[i].role != Role.CLIENT;
    }

    private Node randomLiveServer(int except) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int i = random.nextInt(nodes.length);
            if (i != except && isLiveServer(i)) {
                return nodes[i];
            }
        }
        return null;
    }

    private Node randomLiveHonest(int except) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int i = random.nextInt(nodes.length);
            if (i != except && nodes[i].online && nodes[i].role != Role.ADVERSARY) {
                return nodes[i];
            }
        }
        return null;
    }

    private Op track(Node n) {
        Op op = new Op();
        n.ops.add(op);
        return op;
    }

    private void untrack(Node n, Op op) {
        n.ops.remove(op);
    }

    // ------------------------------------------------------------------ phase 2: initial state

    private void initialState() {
        double availability = s.churn().availability();
        for (Node n : nodes) {
            boolean online = !s.churn().enabled() || random.nextDouble() < availability;
            if (online) {
                start(n);
            }
        }
        if (s.init() == Scenario.Init.ORACLE) {
            for (Node n : nodes) {
                if (n.online) {
                    oracleFill(n);
                    n.dht.startMaintenance(); // as bootstrap would: periodic refresh and stale-peer check
                    net.runUntil(net.nanoTime());
                }
            }
        } else {
            join();
        }
        net.runUntil(net.nanoTime());
        workload.prepare(context);
    }

    /** Up to k random live servers in every bucket of {@code n}'s table. */
    private void oracleFill(Node n) {
        int lowest = lowestNonEmptyBucket(n);
        for (int b = Key.BITS - 1; b >= lowest && b >= 0; b--) {
            int[] range = truth.bucketRange(n.key, b);
            int size = range[1] - range[0];
            if (size == 0) {
                continue;
            }
            List<Integer> chosen = new ArrayList<>(s.k());
            if (size <= 4 * s.k()) {
                List<Integer> all = new ArrayList<>();
                for (int p = range[0]; p < range[1]; p++) {
                    int i = truth.nodeAt(p);
                    if (isLiveServer(i)) {
                        all.add(i);
                    }
                }
                while (!all.isEmpty() && chosen.size() < s.k()) {
                    chosen.add(all.remove(random.nextInt(all.size())));
                }
            } else {
                Set<Integer> seen = new HashSet<>();
                for (int attempt = 0; attempt < 8 * s.k() && chosen.size() < s.k(); attempt++) {
                    int i = truth.nodeAt(range[0] + random.nextInt(size));
                    if (isLiveServer(i) && seen.add(i)) {
                        chosen.add(i);
                    }
                }
            }
            for (int i : chosen) {
                n.dht.addPeer(nodes[i].info, true);
            }
        }
    }

    /** The lowest bucket with any node (the longest common prefix is with a neighbour in key order). */
    private int lowestNonEmptyBucket(Node n) {
        int lowest = Key.BITS - 1;
        int[] range = truth.bucketRange(n.key, 0);
        // position of n in key order: the upper end of bucket 0's range excludes n, so search around it
        int pos = range[0];
        for (int p = Math.max(0, pos - 2); p <= Math.min(truth.size() - 1, pos + 2); p++) {
            int i = truth.nodeAt(p);
            if (i != n.index) {
                lowest = Math.min(lowest, n.key.bucketIndex(truth.key(i)));
            }
        }
        return lowest;
    }

    /**
     * Every live node joins through a random earlier live server (seed + self-lookup), then every node
     * refreshes all its buckets once (a random-key lookup per bucket, as go-libp2p-kad-dht does after
     * bootstrap).
     */
    private void join() {
        int[] pending = {0};
        List<Node> joined = new ArrayList<>();
        long t = net.nanoTime();
        for (Node n : nodes) {
            if (!n.online) {
                continue;
            }
            Node seed = null;
            for (int attempt = 0; attempt < 100 && !joined.isEmpty(); attempt++) {
                Node c = joined.get(random.nextInt(joined.size()));
                if (c.role != Role.CLIENT) {
                    seed = c;
                    break;
                }
            }
            List<PeerInfo> seeds = seed == null ? List.of() : List.of(seed.info);
            pending[0]++;
            t += JOIN_SPACING_NANOS;
            net.at(t, () -> n.dht.bootstrap(seeds).whenComplete((r, e) -> pending[0]--));
            joined.add(n);
        }
        net.runUntil(() -> pending[0] == 0);
        if (s.bootstrapRefresh()) {
            return; // bootstrap already refreshed every bucket
        }
        t = net.nanoTime();
        for (Node n : joined) {
            pending[0]++;
            t += JOIN_SPACING_NANOS;
            net.at(t, () -> n.dht.refreshDueBuckets().whenComplete((r, e) -> pending[0]--));
        }
        net.runUntil(() -> pending[0] == 0);
    }

    // ------------------------------------------------------------------ phase 3: measurement

    private void measure() {
        measureStart = net.nanoTime();
        measuring = true;
        net.resetCounters();
        net.setObserver(observer);
        totalOps = s.lookups() + s.valueChecks() + s.providerChecks();
        if (s.churn().enabled()) {
            for (Node n : nodes) {
                scheduleChurn(n);
            }
        }
        long span = s.duration().toNanos();
        for (int j = 0; j < s.lookups(); j++) {
            int id = j;
            net.at(measureStart + spread(j, s.lookups(), span), () -> startLookup(id));
        }
        for (int j = 0; j < s.valueChecks(); j++) {
            int id = j;
            net.at(measureStart + spread(j, s.valueChecks(), span), () -> startValueCheck(id));
        }
        for (int j = 0; j < s.providerChecks(); j++) {
            int id = j;
            net.at(measureStart + spread(j, s.providerChecks(), span), () -> startProviderCheck(id));
        }
        long last = Math.max(measureStart + span, workload.start(context, measureStart, span));
        long deadline = last + Duration.ofMinutes(10).toNanos();
        net.runUntil(() -> (finished >= totalOps && workload.done()) || net.nanoTime() > deadline);
        workload.finish(context);
        measuring = false;
        net.setObserver(SimulatedNetwork.MessageObserver.NONE);
    }

    private static long spread(int j, int count, long span) {
        return (long) ((j + 0.5) * span / count);
    }

    private void scheduleChurn(Node n) {
        if (n.online) {
            net.at(net.nanoTime() + s.churn().sampleSessionNanos(random), () -> {
                if (measuring) {
                    crash(n);
                    scheduleChurn(n);
                }
            });
        } else {
            net.at(net.nanoTime() + s.churn().sampleOfflineNanos(random), () -> {
                if (measuring) {
                    Node seed = randomLiveServer(n.index);
                    start(n);
                    rejoins++;
                    n.dht.bootstrap(seed == null ? List.of() : List.of(seed.info));
                    workload.onRejoin(n.index);
                    scheduleChurn(n);
                }
            });
        }
    }

    private void startLookup(int id) {
        lookupsIssued++;
        Node src = randomLiveHonest(-1);
        if (src == null) {
            new Op().finish();
            return;
        }
        byte[] keyBytes = new byte[32];
        fill(keyBytes);
        if (s.adversary() == Adversary.Kind.SYBIL) {
            keyBytes = sybilTargetBytes();
        }
        long start = net.nanoTime();
        Op op = track(src);
        Key target = Key.sha256(keyBytes);
        Set<Integer> seeds = new HashSet<>();
        for (PeerInfo p : src.dht.localClosestPeers(target, s.k())) {
            Integer i = indexOf.get(p.peerId());
            if (i != null) {
                seeds.add(i);
            }
        }
        java.nio.ByteBuffer traceKey = traceKey(src.index, keyBytes);
        Trace trace = new Trace(src.index, seeds);
        traces.put(traceKey, trace);
        src.dht.findClosestPeers(keyBytes).whenComplete((r, e) -> {
            traces.remove(traceKey);
            if (op.finish()) {
                untrack(src, op);
                if (e == null) {
                    record(id, src, target, start, r, trace);
                }
            }
        });
    }

    /** Whether server {@code i} was live for the whole interval from {@code start} to now. */
    private boolean liveThroughout(int i, long start) {
        return isLiveServer(i) && nodes[i].upSince <= start;
    }

    /** Whether server {@code i} was live at some moment between {@code start} and now. */
    private boolean liveSometime(int i, long start) {
        return nodes[i].role != Role.CLIENT && (nodes[i].online || nodes[i].downSince >= start);
    }

    private void record(int id, Node src, Key target, long start, LookupResult r, Trace trace) {
        int[] all = truth.closest(target, s.k(), i -> i != src.index && isLiveServer(i));
        int[] honest = truth.closest(target, s.k(), i -> i != src.index && isLiveServer(i)
                && nodes[i].role != Role.ADVERSARY);
        Set<Integer> result = new HashSet<>();
        for (PeerInfo p : r.peers()) {
            Integer i = indexOf.get(p.peerId());
            if (i != null) {
                result.add(i);
            }
        }
        int overlap = count(all, result::contains);
        int honestOverlap = count(honest, result::contains);
        boolean exact = overlap == all.length && result.size() == all.length;
        int[] stable = truth.closest(target, s.k(), i -> i != src.index && liveThroughout(i, start));
        int[] fair = truth.closest(target, s.k(), i -> i != src.index
                && (liveThroughout(i, start) || (result.contains(i) && liveSometime(i, start))));
        boolean fairExact = count(fair, result::contains) == fair.length && result.size() == fair.length;
        int stableOverlap = count(stable, result::contains);
        int truthJoined = count(all, i -> nodes[i].upSince > start);
        int[] miss = new int[5];
        Set<Integer> strict = new HashSet<>();
        for (int i : all) {
            strict.add(i);
            if (result.contains(i)) {
                continue;
            }
            if (nodes[i].upSince > start) {
                miss[0]++;
            } else if (!trace.learned.contains(i)) {
                miss[1]++;
            } else if (!trace.contacted.contains(i)) {
                miss[2]++;
            } else if (!trace.answered.contains(i)) {
                miss[3]++;
            } else {
                miss[4]++;
            }
        }
        int[] extra = new int[3];
        for (int i : result) {
            if (strict.contains(i)) {
                continue;
            }
            if (!nodes[i].online) {
                extra[nodes[i].downSince >= start ? 1 : 0]++;
            } else {
                extra[2]++;
            }
        }
        var st = r.stats();
        samples.add(new LookupSample(id, src.index, src.role == Role.CLIENT, (start - measureStart) / 1e6,
                (net.nanoTime() - start) / 1e6, st.rounds(), st.requests(), st.failures() + st.timeouts(),
                r.peers().size(), all.length, overlap, exact, honestOverlap, stable.length, stableOverlap, fairExact,
                truthJoined, miss[0], miss[1], miss[2], miss[3], miss[4], extra[0], extra[1], extra[2],
                src.upSince < measureStart ? -1 : (start - src.upSince) / 1e6, trace.seeds,
                count(honest, trace.answered::contains) > 0));
    }

    private static int count(int[] a, IntPredicate p) {
        int c = 0;
        for (int x : a) {
            if (p.test(x)) {
                c++;
            }
        }
        return c;
    }

    private void startValueCheck(int id) {
        Node writer = randomLiveHonest(-1);
        if (writer == null) {
            new Op().finish();
            return;
        }
        byte[] key = io.gridoverlay.dht.record.PublicKeyValidator.keyFor(writer.info.peerId());
        byte[] value = writer.info.peerId().publicKey().orElseThrow().encode();
        Op op = track(writer);
        writer.dht.putValue(key, value).whenComplete((stored, e) -> {
            if (op.done) {
                return;
            }
            untrack(writer, op);
            net.at(net.nanoTime() + READ_AFTER_WRITE_NANOS, () -> {
                Node reader = randomLiveHonest(writer.index);
                if (reader == null || e != null) {
                    valueChecks++;
                    op.finish();
                    return;
                }
                reader.ops.add(op);
                reader.dht.getValue(key).whenComplete((got, e2) -> {
                    if (op.finish()) {
                        reader.ops.remove(op);
                        valueChecks++;
                        if (e2 == null && got.isPresent() && Arrays.equals(got.get(), value)) {
                            valueSuccesses++;
                        }
                    }
                });
            });
        });
    }

    private void startProviderCheck(int id) {
        Node provider = randomLiveHonest(-1);
        if (provider == null) {
            new Op().finish();
            return;
        }
        byte[] key = ("/sim/provided/" + s.seed() + "/" + id).getBytes(StandardCharsets.UTF_8);
        PeerId pid = provider.info.peerId();
        Op op = track(provider);
        provider.dht.provide(key).whenComplete((told, e) -> {
            if (op.done) {
                return;
            }
            untrack(provider, op);
            net.at(net.nanoTime() + READ_AFTER_WRITE_NANOS, () -> {
                Node reader = randomLiveHonest(provider.index);
                if (reader == null || e != null) {
                    providerChecks++;
                    op.finish();
                    return;
                }
                reader.ops.add(op);
                reader.dht.findProviders(key, 1).whenComplete((found, e2) -> {
                    if (op.finish()) {
                        reader.ops.remove(op);
                        providerChecks++;
                        if (e2 == null && found.stream().anyMatch(p -> p.peerId().equals(pid))) {
                            providerSuccesses++;
                        }
                    }
                });
            });
        });
    }


    // ------------------------------------------------------------------ phase 4: summary

    private SimulationResult.Summary summarise() {
        double[] rounds = samples.stream().mapToDouble(LookupSample::rounds).toArray();
        double[] requests = samples.stream().mapToDouble(LookupSample::requests).toArray();
        double[] latency = samples.stream().mapToDouble(LookupSample::latencyMillis).toArray();
        double exact = samples.stream().filter(LookupSample::exact).count() / (double) Math.max(1, samples.size());
        double overlap = samples.stream().mapToDouble(x -> x.truthSize() == 0 ? 1 : x.overlap() / (double) x.truthSize())
                .average().orElse(Double.NaN);
        double honest = samples.stream().mapToDouble(x -> x.truthSize() == 0 ? 1 : x.honestOverlap() / (double) x.truthSize())
                .average().orElse(Double.NaN);
        long loadMax = 0;
        long loadSum = 0;
        int servers = 0;
        int online = 0;
        for (Node n : nodes) {
            if (n.online) {
                online++;
            }
            if (n.role != Role.CLIENT) {
                long h = net.requestsHandled(n.index);
                loadMax = Math.max(loadMax, h);
                loadSum += h;
                servers++;
            }
        }
        double[] quality = tableQuality();
        int completed = Math.max(1, samples.size());
        double fairExact = samples.stream().filter(LookupSample::fairExact).count() / (double) completed;
        double stableOverlap = samples.stream()
                .mapToDouble(x -> x.stableTruthSize() == 0 ? 1 : x.stableOverlap() / (double) x.stableTruthSize())
                .average().orElse(Double.NaN);
        double moved = samples.stream().filter(x -> x.truthJoined() > 0).count() / (double) completed;
        var misses = new SimulationResult.Misses(sum(LookupSample::missJoined), sum(LookupSample::missNeverLearned),
                sum(LookupSample::missUncontacted), sum(LookupSample::missNoAnswer), sum(LookupSample::missAnswered));
        var extras = new SimulationResult.Extras(sum(LookupSample::extraStale), sum(LookupSample::extraLeft),
                sum(LookupSample::extraLiveFarther));
        List<LookupSample> fresh = samples.stream().filter(x -> x.sourceAgeMillis() >= 0 && x.sourceAgeMillis() < FRESH_SOURCE_MILLIS).toList();
        double freshExact = fresh.isEmpty() ? Double.NaN
                : fresh.stream().filter(LookupSample::exact).count() / (double) fresh.size();
        return new SimulationResult.Summary(lookupsIssued, samples.size(), exact, overlap, honest,
                SimulationResult.quantile(rounds, 0.5), mean(rounds), SimulationResult.quantile(rounds, 0.95),
                mean(requests), SimulationResult.quantile(requests, 0.5), SimulationResult.quantile(latency, 0.5),
                SimulationResult.quantile(latency, 0.95), loadMax, servers == 0 ? 0 : loadSum / (double) servers,
                quality[0], quality[1], valueChecks, valueSuccesses, providerChecks, providerSuccesses, net.messages(),
                net.messagesLost(), rejoins, online, net.taskErrors(), fairExact, stableOverlap, moved, misses, extras,
                fresh.size(), freshExact,
                samples.stream().filter(x -> x.honestOverlap() > 0).count() / (double) completed,
                samples.stream().filter(LookupSample::honestAnswered).count() / (double) completed);
    }

    /** A lookup source that (re)joined less than this long before the lookup counts as fresh. */
    private static final double FRESH_SOURCE_MILLIS = 60_000;

    private long sum(java.util.function.ToIntFunction<LookupSample> f) {
        return samples.stream().mapToLong(f::applyAsInt).sum();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** {quality, stale} averaged over a sample of live honest nodes (see {@link SimulationResult.Summary}). */
    private double[] tableQuality() {
        double qualitySum = 0;
        double staleSum = 0;
        int sampled = 0;
        for (int attempt = 0; attempt < 20 * s.qualitySample() && sampled < s.qualitySample(); attempt++) {
            Node n = randomLiveHonest(-1);
            if (n == null) {
                break;
            }
            int[] live = new int[Key.BITS];
            int entries = 0;
            int stale = 0;
            for (PeerInfo p : n.dht.localClosestPeers(n.key, n.dht.routingTableSize())) {
                entries++;
                Integer i = indexOf.get(p.peerId());
                if (i != null && isLiveServer(i)) {
                    live[n.key.bucketIndex(nodes[i].key)]++;
                } else {
                    stale++;
                }
            }
            long have = 0;
            long want = 0;
            int lowest = lowestNonEmptyBucket(n);
            for (int b = Key.BITS - 1; b >= lowest; b--) {
                int[] range = truth.bucketRange(n.key, b);
                int eligible = 0;
                for (int p = range[0]; p < range[1] && eligible < s.k(); p++) {
                    if (isLiveServer(truth.nodeAt(p))) {
                        eligible++;
                    }
                }
                want += eligible;
                have += Math.min(live[b], eligible);
            }
            qualitySum += want == 0 ? 1 : have / (double) want;
            staleSum += entries == 0 ? 0 : stale / (double) entries;
            sampled++;
        }
        return sampled == 0 ? new double[] {Double.NaN, Double.NaN}
                : new double[] {qualitySum / sampled, staleSum / sampled};
    }

    /** The simulation as its workload sees it. */
    private final Workload.Context context = new Workload.Context() {
        @Override
        public SimulatedNetwork network() {
            return net;
        }

        @Override
        public int nodes() {
            return nodes.length;
        }

        @Override
        public boolean online(int i) {
            return nodes[i].online;
        }

        @Override
        public boolean honestServer(int i) {
            return nodes[i].role == Role.SERVER;
        }

        @Override
        public KademliaDht dht(int i) {
            return nodes[i].dht;
        }

        @Override
        public SimulatedNetwork.Endpoint endpoint(int i) {
            return nodes[i].endpoint;
        }

        @Override
        public PrivateKey privateKey(int i) {
            return privateKeys == null ? null : privateKeys[i];
        }

        @Override
        public PeerInfo info(int i) {
            return nodes[i].info;
        }

        @Override
        public int randomLiveHonest(int except) {
            Node n = Simulation.this.randomLiveHonest(except);
            return n == null ? -1 : n.index;
        }
    };

    /** For tests: the DHT of node {@code index} (null if offline). */
    KademliaDht dht(int index) {
        return nodes[index].dht;
    }

    /** For tests: the peer of node {@code index}. */
    PeerInfo info(int index) {
        return nodes[index].info;
    }

    /** For tests: whether node {@code index} is an adversary (eclipse, drop, garbage or Sybil). */
    boolean isAdversary(int index) {
        return nodes[index].role == Role.ADVERSARY;
    }

    /** For tests: the ground truth. */
    GroundTruth truth() {
        return truth;
    }

    /** Prepares nodes and routing tables without measuring (for tests that drive lookups themselves). */
    void setUp() {
        if (ran) {
            throw new IllegalStateException("a Simulation runs once");
        }
        ran = true;
        createIdentities();
        initialState();
    }
}
