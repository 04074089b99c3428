package io.gridoverlay.dht.sim;

import io.gridoverlay.dht.protocol.StoreQuotaConfig;
import io.gridoverlay.dht.query.LookupConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * One simulation run, fully described (immutable; build with {@link #builder()} or read a
 * {@code key = value} file with {@link #load}/{@link #fromProperties}).
 *
 * <table>
 *   <caption>Keys of the properties form (defaults in brackets)</caption>
 *   <tr><td>name</td><td>label in reports [sim]</td></tr>
 *   <tr><td>nodes, lookups, seed</td><td>network size [1000], FIND_NODE lookups measured [200], seed [1]</td></tr>
 *   <tr><td>latency</td><td>{@code uniform} or {@code clusters:N} [uniform]; rtt.min.ms, rtt.max.ms [10, 300];
 *       jitter [0.1]</td></tr>
 *   <tr><td>loss</td><td>per-message loss probability [0]</td></tr>
 *   <tr><td>churn</td><td>{@link ChurnModel#parse} text [none]</td></tr>
 *   <tr><td>clientFraction</td><td>nodes in client mode (unreachable) [0]</td></tr>
 *   <tr><td>adversary, adversaryFraction</td><td>none|eclipse|drop|garbage [none], fraction [0]</td></tr>
 *   <tr><td>disjointPaths, alpha, beta, k</td><td>lookup parameters [1, {@link LookupConfig}'s α, k, k]</td></tr>
 *   <tr><td>peerTimeout.s</td><td>per-request timeout [LookupConfig's default]</td></tr>
 *   <tr><td>adaptiveTimeout.s</td><td>lower bound of the adaptive per-request timeout (srtt + 4·rttvar
 *       capped at peerTimeout.s), {@link LookupConfig#adaptiveTimeoutMin()}; 0 = fixed timeout [0]</td></tr>
 *   <tr><td>attempts</td><td>requests per peer at most, {@link LookupConfig#maxAttempts()} [LookupConfig's
 *       default]</td></tr>
 *   <tr><td>results</td><td>{@code answered} (peers that answered) or {@code known} (closest known, may be
 *       uncontacted) [LookupConfig's default]</td></tr>
 *   <tr><td>init</td><td>{@code oracle} (tables filled from the global view) or {@code join} (every node
 *       bootstraps through a random earlier node, then refreshes every bucket once) [oracle]</td></tr>
 *   <tr><td>duration.s</td><td>virtual time over which the lookups are spread [600]</td></tr>
 *   <tr><td>refresh.s</td><td>routing-table refresh interval, 0 = off [0]</td></tr>
 *   <tr><td>codec</td><td>pass messages through the wire codec [false]</td></tr>
 *   <tr><td>valueChecks, providerChecks</td><td>PUT→GET and PROVIDE→FIND pairs [20, 20]</td></tr>
 *   <tr><td>qualitySample</td><td>nodes whose routing table is scored [100]</td></tr>
 *   <tr><td>bootstrapRefresh</td><td>a (re)joining node refreshes every bucket after its self-lookup,
 *       {@code KademliaDht.Builder#refreshOnBootstrap} [true]</td></tr>
 *   <tr><td>bucketCheck</td><td>a peer offered to a full bucket triggers a ping of the least recently seen
 *       one, {@code KademliaDht.Builder#checkFullBuckets} [true]</td></tr>
 *   <tr><td>staleCheck.s</td><td>interval of the check of routing-table peers not heard from for that long,
 *       0 = off, {@code KademliaDht.Builder#staleCheckInterval} [600]</td></tr>
 *   <tr><td>sybils, sybilTarget</td><td>with {@code adversary = sybil}: number of adversary identities
 *       ground to be closer to the key {@code sybilTarget} (UTF-8 bytes, hashed like any record key) than
 *       every honest node; every measured lookup then looks that key up [0, sybil-target]</td></tr>
 *   <tr><td>quota.recordsPerPeer, quota.recordBytesPerPeer, quota.recordsPerIpGroup,
 *       quota.recordBytesPerIpGroup, quota.providersPerPeer, quota.providersPerIpGroup,
 *       quota.trackedSenders</td><td>each server's per-sender store quotas, {@code DhtConfig#storeQuota}
 *       [{@link StoreQuotaConfig#defaults()}]</td></tr>
 * </table>
 */
public record Scenario(String name, int nodes, int lookups, long seed, LatencyModel.Config latency, double loss,
        ChurnModel churn, double clientFraction, Adversary.Kind adversary, double adversaryFraction,
        int disjointPaths, int alpha, int beta, int k, Duration peerTimeout, int attempts, boolean answeredOnly,
        Init init, Duration duration,
        Duration refreshInterval, boolean useCodec, int valueChecks, int providerChecks, int qualitySample,
        boolean bootstrapRefresh, boolean bucketCheck, Duration staleCheckInterval, int sybils, String sybilTarget,
        Duration adaptiveTimeoutMin, StoreQuotaConfig storeQuota) {

    /** How routing tables are filled before measuring. */
    public enum Init {
        /** From the simulator's global view: up to k random nodes per bucket (ideal, fast). */
        ORACLE,
        /** By the DHT's own bootstrap: each node joins through a random earlier node, then refreshes every bucket. */
        JOIN
    }

    private static final Set<String> KEYS = Set.of("name", "nodes", "lookups", "seed", "latency", "rtt.min.ms",
            "rtt.max.ms", "jitter", "loss", "churn", "clientFraction", "adversary", "adversaryFraction",
            "disjointPaths", "alpha", "beta", "k", "peerTimeout.s", "attempts", "results", "init", "duration.s", "refresh.s", "codec",
            "valueChecks", "providerChecks", "qualitySample", "bootstrapRefresh", "bucketCheck", "staleCheck.s", "sybils", "sybilTarget",
            "adaptiveTimeout.s", "quota.recordsPerPeer", "quota.recordBytesPerPeer", "quota.recordsPerIpGroup",
            "quota.recordBytesPerIpGroup", "quota.providersPerPeer", "quota.providersPerIpGroup",
            "quota.trackedSenders");

    /** Validates ranges. */
    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(churn, "churn");
        Objects.requireNonNull(adversary, "adversary");
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (nodes < 2) {
            throw new IllegalArgumentException("nodes must be >= 2, got " + nodes);
        }
        if (lookups < 0 || valueChecks < 0 || providerChecks < 0 || qualitySample < 0) {
            throw new IllegalArgumentException("lookups and check counts must be >= 0");
        }
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("loss must be in [0, 1), got " + loss);
        }
        if (!(clientFraction >= 0 && adversaryFraction >= 0 && clientFraction + adversaryFraction < 1)) {
            throw new IllegalArgumentException("clientFraction and adversaryFraction must be >= 0 with a sum below 1, got "
                    + clientFraction + " and " + adversaryFraction);
        }
        if (disjointPaths < 1 || alpha < 1 || k < 1 || beta < 1 || beta > k) {
            throw new IllegalArgumentException("need disjointPaths, alpha, k >= 1 and 1 <= beta <= k, got d="
                    + disjointPaths + " alpha=" + alpha + " beta=" + beta + " k=" + k);
        }
        Objects.requireNonNull(sybilTarget, "sybilTarget");
        Objects.requireNonNull(staleCheckInterval, "staleCheckInterval");
        if (staleCheckInterval.isNegative()) {
            throw new IllegalArgumentException("staleCheck.s must be >= 0, got " + staleCheckInterval);
        }
        if (sybils < 0 || (adversary == Adversary.Kind.SYBIL) != (sybils > 0) || sybils >= nodes) {
            throw new IllegalArgumentException("sybils must be >= 1 (and fewer than nodes) exactly when adversary"
                    + " is sybil, got " + sybils + " with adversary " + adversary);
        }
        Objects.requireNonNull(adaptiveTimeoutMin, "adaptiveTimeoutMin");
        Objects.requireNonNull(storeQuota, "storeQuota");
        if (adaptiveTimeoutMin.isNegative() || adaptiveTimeoutMin.compareTo(peerTimeout) > 0) {
            throw new IllegalArgumentException("adaptiveTimeout.s must be in [0, peerTimeout.s], got "
                    + adaptiveTimeoutMin);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
        if (duration.isNegative() || refreshInterval.isNegative() || peerTimeout.isZero() || peerTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must be >= 0 and peerTimeout > 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this scenario's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.nodes = nodes;
        b.lookups = lookups;
        b.seed = seed;
        b.latency = latency;
        b.loss = loss;
        b.churn = churn;
        b.clientFraction = clientFraction;
        b.adversary = adversary;
        b.adversaryFraction = adversaryFraction;
        b.disjointPaths = disjointPaths;
        b.alpha = alpha;
        b.beta = beta;
        b.k = k;
        b.peerTimeout = peerTimeout;
        b.attempts = attempts;
        b.answeredOnly = answeredOnly;
        b.init = init;
        b.duration = duration;
        b.refreshInterval = refreshInterval;
        b.useCodec = useCodec;
        b.valueChecks = valueChecks;
        b.providerChecks = providerChecks;
        b.qualitySample = qualitySample;
        b.bootstrapRefresh = bootstrapRefresh;
        b.bucketCheck = bucketCheck;
        b.staleCheckInterval = staleCheckInterval;
        b.sybils = sybils;
        b.sybilTarget = sybilTarget;
        b.adaptiveTimeoutMin = adaptiveTimeoutMin;
        b.storeQuota = storeQuota;
        return b;
    }

    /** Reads a scenario file ({@code key = value} lines, see the class comment). */
    public static Scenario load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return fromProperties(p, builder());
    }

    /**
     * Applies {@code p} over {@code base}.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a malformed value
     */
    public static Scenario fromProperties(Properties p, Builder base) {
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown scenario key '" + key + "'; known: " + KEYS);
            }
        }
        Builder b = base;
        try {
            if (p.containsKey("name")) b.name(p.getProperty("name").trim());
            if (p.containsKey("nodes")) b.nodes(Integer.parseInt(p.getProperty("nodes").trim()));
            if (p.containsKey("lookups")) b.lookups(Integer.parseInt(p.getProperty("lookups").trim()));
            if (p.containsKey("seed")) b.seed(Long.parseLong(p.getProperty("seed").trim()));
            if (p.containsKey("latency") || p.containsKey("rtt.min.ms") || p.containsKey("rtt.max.ms")
                    || p.containsKey("jitter")) {
                LatencyModel.Config cur = b.latency;
                Duration min = p.containsKey("rtt.min.ms")
                        ? Duration.ofMillis(Long.parseLong(p.getProperty("rtt.min.ms").trim())) : cur.minRtt();
                Duration max = p.containsKey("rtt.max.ms")
                        ? Duration.ofMillis(Long.parseLong(p.getProperty("rtt.max.ms").trim())) : cur.maxRtt();
                double jitter = p.containsKey("jitter") ? Double.parseDouble(p.getProperty("jitter").trim()) : cur.jitter();
                String kind = p.getProperty("latency", cur.placement() == LatencyModel.Placement.UNIFORM
                        ? "uniform" : "clusters:" + cur.clusters());
                b.latency(LatencyModel.Config.parse(kind, min, max, jitter));
            }
            if (p.containsKey("loss")) b.loss(Double.parseDouble(p.getProperty("loss").trim()));
            if (p.containsKey("churn")) b.churn(ChurnModel.parse(p.getProperty("churn")));
            if (p.containsKey("clientFraction")) b.clientFraction(Double.parseDouble(p.getProperty("clientFraction").trim()));
            if (p.containsKey("adversary")) b.adversary(Adversary.Kind.parse(p.getProperty("adversary")));
            if (p.containsKey("adversaryFraction")) {
                b.adversaryFraction(Double.parseDouble(p.getProperty("adversaryFraction").trim()));
            }
            if (p.containsKey("disjointPaths")) b.disjointPaths(Integer.parseInt(p.getProperty("disjointPaths").trim()));
            if (p.containsKey("alpha")) b.alpha(Integer.parseInt(p.getProperty("alpha").trim()));
            if (p.containsKey("beta")) b.beta(Integer.parseInt(p.getProperty("beta").trim()));
            if (p.containsKey("k")) b.k(Integer.parseInt(p.getProperty("k").trim()));
            if (p.containsKey("peerTimeout.s")) b.peerTimeout(seconds(p.getProperty("peerTimeout.s")));
            if (p.containsKey("attempts")) b.attempts(Integer.parseInt(p.getProperty("attempts").trim()));
            if (p.containsKey("results")) b.answeredOnly(parseResults(p.getProperty("results")));
            if (p.containsKey("init")) b.init(parseInit(p.getProperty("init")));
            if (p.containsKey("duration.s")) b.duration(seconds(p.getProperty("duration.s")));
            if (p.containsKey("refresh.s")) b.refreshInterval(seconds(p.getProperty("refresh.s")));
            if (p.containsKey("codec")) b.useCodec(parseBoolean(p.getProperty("codec")));
            if (p.containsKey("valueChecks")) b.valueChecks(Integer.parseInt(p.getProperty("valueChecks").trim()));
            if (p.containsKey("providerChecks")) b.providerChecks(Integer.parseInt(p.getProperty("providerChecks").trim()));
            if (p.containsKey("qualitySample")) b.qualitySample(Integer.parseInt(p.getProperty("qualitySample").trim()));
            if (p.containsKey("bootstrapRefresh")) b.bootstrapRefresh(parseBoolean(p.getProperty("bootstrapRefresh")));
            if (p.containsKey("bucketCheck")) b.bucketCheck(parseBoolean(p.getProperty("bucketCheck")));
            if (p.containsKey("staleCheck.s")) b.staleCheckInterval(seconds(p.getProperty("staleCheck.s")));
            if (p.containsKey("sybils")) b.sybils(Integer.parseInt(p.getProperty("sybils").trim()));
            if (p.containsKey("sybilTarget")) b.sybilTarget(p.getProperty("sybilTarget").trim());
            if (p.containsKey("adaptiveTimeout.s")) b.adaptiveTimeoutMin(seconds(p.getProperty("adaptiveTimeout.s")));
            StoreQuotaConfig q = b.storeQuota;
            b.storeQuota(new StoreQuotaConfig(
                    intNumber(p, "quota.recordsPerPeer", q.maxRecordsPerPeer()),
                    number(p, "quota.recordBytesPerPeer", q.maxRecordBytesPerPeer()),
                    intNumber(p, "quota.recordsPerIpGroup", q.maxRecordsPerIpGroup()),
                    number(p, "quota.recordBytesPerIpGroup", q.maxRecordBytesPerIpGroup()),
                    intNumber(p, "quota.providersPerPeer", q.maxProvidersPerPeer()),
                    intNumber(p, "quota.providersPerIpGroup", q.maxProvidersPerIpGroup()),
                    intNumber(p, "quota.trackedSenders", q.maxTrackedSenders())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed number in scenario: " + e.getMessage(), e);
        }
        return b.build();
    }

    /** Parses {@code oracle} or {@code join}. */
    public static Init parseInit(String s) {
        try {
            return Init.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("init '" + s + "' is neither 'oracle' nor 'join'", e);
        }
    }

    /** Parses {@code answered} (true) or {@code known} (false). */
    static boolean parseResults(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("answered") || t.equals("known")) {
            return t.equals("answered");
        }
        throw new IllegalArgumentException("results '" + s + "' is neither 'answered' nor 'known'");
    }

    private static boolean parseBoolean(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("'" + s + "' is not true or false");
    }

    /** The integer under {@code key}, or {@code otherwise} when absent. */
    private static long number(Properties p, String key, long otherwise) {
        return p.containsKey(key) ? Long.parseLong(p.getProperty(key).trim()) : otherwise;
    }

    /** As {@link #number}, for an {@code int} value: one beyond the range is refused, naming the key. */
    private static int intNumber(Properties p, String key, int otherwise) {
        long v = number(p, key, otherwise);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " out of range: " + v);
        }
        return (int) v;
    }

    private static Duration seconds(String s) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.trim()) * 1000));
    }

    /** The scenario in the properties form (round-trips through {@link #fromProperties}). */
    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("lookups", Integer.toString(lookups));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("latency", latency.placement() == LatencyModel.Placement.UNIFORM ? "uniform"
                : "clusters:" + latency.clusters());
        p.setProperty("rtt.min.ms", Long.toString(latency.minRtt().toMillis()));
        p.setProperty("rtt.max.ms", Long.toString(latency.maxRtt().toMillis()));
        p.setProperty("jitter", Double.toString(latency.jitter()));
        p.setProperty("loss", Double.toString(loss));
        p.setProperty("churn", churn.toString());
        p.setProperty("clientFraction", Double.toString(clientFraction));
        p.setProperty("adversary", adversary.name().toLowerCase(Locale.ROOT));
        p.setProperty("adversaryFraction", Double.toString(adversaryFraction));
        p.setProperty("disjointPaths", Integer.toString(disjointPaths));
        p.setProperty("alpha", Integer.toString(alpha));
        p.setProperty("beta", Integer.toString(beta));
        p.setProperty("k", Integer.toString(k));
        p.setProperty("peerTimeout.s", Double.toString(peerTimeout.toMillis() / 1000.0));
        p.setProperty("attempts", Integer.toString(attempts));
        p.setProperty("results", answeredOnly ? "answered" : "known");
        p.setProperty("init", init.name().toLowerCase(Locale.ROOT));
        p.setProperty("duration.s", Double.toString(duration.toMillis() / 1000.0));
        p.setProperty("refresh.s", Double.toString(refreshInterval.toMillis() / 1000.0));
        p.setProperty("codec", Boolean.toString(useCodec));
        p.setProperty("valueChecks", Integer.toString(valueChecks));
        p.setProperty("providerChecks", Integer.toString(providerChecks));
        p.setProperty("qualitySample", Integer.toString(qualitySample));
        p.setProperty("bootstrapRefresh", Boolean.toString(bootstrapRefresh));
        p.setProperty("bucketCheck", Boolean.toString(bucketCheck));
        p.setProperty("staleCheck.s", Double.toString(staleCheckInterval.toMillis() / 1000.0));
        p.setProperty("sybils", Integer.toString(sybils));
        p.setProperty("sybilTarget", sybilTarget);
        p.setProperty("adaptiveTimeout.s", Double.toString(adaptiveTimeoutMin.toMillis() / 1000.0));
        p.setProperty("quota.recordsPerPeer", Integer.toString(storeQuota.maxRecordsPerPeer()));
        p.setProperty("quota.recordBytesPerPeer", Long.toString(storeQuota.maxRecordBytesPerPeer()));
        p.setProperty("quota.recordsPerIpGroup", Integer.toString(storeQuota.maxRecordsPerIpGroup()));
        p.setProperty("quota.recordBytesPerIpGroup", Long.toString(storeQuota.maxRecordBytesPerIpGroup()));
        p.setProperty("quota.providersPerPeer", Integer.toString(storeQuota.maxProvidersPerPeer()));
        p.setProperty("quota.providersPerIpGroup", Integer.toString(storeQuota.maxProvidersPerIpGroup()));
        p.setProperty("quota.trackedSenders", Integer.toString(storeQuota.maxTrackedSenders()));
        return p;
    }

    /** Mutable builder of {@link Scenario}, starting from the defaults listed in the class comment. */
    public static final class Builder {
        private String name = "sim";
        private int nodes = 1000;
        private int lookups = 200;
        private long seed = 1;
        private LatencyModel.Config latency = LatencyModel.Config.defaults();
        private double loss;
        private ChurnModel churn = ChurnModel.NONE;
        private double clientFraction;
        private Adversary.Kind adversary = Adversary.Kind.NONE;
        private double adversaryFraction;
        private int disjointPaths = 1;
        private int alpha = LookupConfig.DEFAULT_PARALLELISM;
        private int beta = -1; // = k unless set
        private int k = LookupConfig.DEFAULT_NUM_RESULTS;
        private Duration peerTimeout = LookupConfig.DEFAULT_PEER_TIMEOUT;
        private int attempts = LookupConfig.DEFAULT_MAX_ATTEMPTS;
        private boolean answeredOnly = LookupConfig.DEFAULT_ANSWERED_ONLY;
        private Init init = Init.ORACLE;
        private Duration duration = Duration.ofSeconds(600);
        private Duration refreshInterval = Duration.ZERO;
        private boolean useCodec;
        private int valueChecks = 20;
        private int providerChecks = 20;
        private int qualitySample = 100;
        private boolean bootstrapRefresh = true;
        private boolean bucketCheck = true;
        private Duration staleCheckInterval = Duration.ofMinutes(10);
        private int sybils;
        private String sybilTarget = "sybil-target";
        private Duration adaptiveTimeoutMin = Duration.ZERO;
        private StoreQuotaConfig storeQuota = StoreQuotaConfig.defaults();

        private Builder() {
        }

        public Builder name(String v) { name = v; return this; }
        public Builder nodes(int v) { nodes = v; return this; }
        public Builder lookups(int v) { lookups = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder latency(LatencyModel.Config v) { latency = v; return this; }
        public Builder loss(double v) { loss = v; return this; }
        public Builder churn(ChurnModel v) { churn = v; return this; }
        public Builder clientFraction(double v) { clientFraction = v; return this; }
        public Builder adversary(Adversary.Kind v) { adversary = v; return this; }
        public Builder adversaryFraction(double v) { adversaryFraction = v; return this; }
        public Builder disjointPaths(int v) { disjointPaths = v; return this; }
        public Builder alpha(int v) { alpha = v; return this; }
        public Builder beta(int v) { beta = v; return this; }
        public Builder k(int v) { k = v; return this; }
        public Builder peerTimeout(Duration v) { peerTimeout = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder answeredOnly(boolean v) { answeredOnly = v; return this; }
        public Builder init(Init v) { init = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder refreshInterval(Duration v) { refreshInterval = v; return this; }
        public Builder useCodec(boolean v) { useCodec = v; return this; }
        public Builder valueChecks(int v) { valueChecks = v; return this; }
        public Builder providerChecks(int v) { providerChecks = v; return this; }
        public Builder qualitySample(int v) { qualitySample = v; return this; }
        public Builder bootstrapRefresh(boolean v) { bootstrapRefresh = v; return this; }
        public Builder bucketCheck(boolean v) { bucketCheck = v; return this; }
        public Builder staleCheckInterval(Duration v) { staleCheckInterval = v; return this; }
        public Builder sybils(int v) { sybils = v; return this; }
        public Builder sybilTarget(String v) { sybilTarget = v; return this; }
        /** Lower bound of the adaptive per-request timeout; zero = fixed timeout. */
        public Builder adaptiveTimeoutMin(Duration v) { adaptiveTimeoutMin = v; return this; }
        /** Each server's per-sender store quotas ({@code DhtConfig#storeQuota}). */
        public Builder storeQuota(StoreQuotaConfig v) { storeQuota = Objects.requireNonNull(v, "storeQuota"); return this; }

        public Scenario build() {
            return new Scenario(name, nodes, lookups, seed, latency, loss, churn, clientFraction, adversary,
                    adversaryFraction, disjointPaths, alpha, beta == -1 ? Math.min(LookupConfig.DEFAULT_RESILIENCY, k) : beta, k, peerTimeout, attempts, answeredOnly, init, duration, refreshInterval,
                    useCodec, valueChecks, providerChecks, qualitySample, bootstrapRefresh, bucketCheck, staleCheckInterval, sybils,
                    sybilTarget, adaptiveTimeoutMin, storeQuota);
        }
    }
}
