package io.gridoverlay.dht.capacity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecordValidator;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Answers {@link CapacityQuery}s from the capacity index: {@linkplain QueryPlan chooses} the index keys that
 * must hold every match (reading the root shard of the favoured plan's first key, and of a close rival's,
 * so that the records read correct the priors' guess of each plan's size), walks them with DHT lookups
 * ({@link KademliaDht#collectValues}, a few keys at a time, each key's {@linkplain IndexKey shard tree} from
 * the root down into the children of every shard a holder reports full; when the holders read disagree
 * about that, every holder the lookup meets), verifies
 * every record it receives (signature and expiry; anything else is counted as rejected and dropped; a valid
 * record that does not belong under the key it came from is a withdrawal's tombstone, which can supersede an
 * older entry of the same node but never lists one), keeps each node's newest record, filters exactly with
 * {@link CapacityQuery#matches}, and stops as soon as an unsorted limited query has enough, also between the
 * shards of one key (a popular key has many). Nothing a holder says is trusted: a holder can only withhold
 * entries.
 *
 * <p>Paging: an unsorted query resumes from the key and the position within it where the last page
 * stopped (keys in plan order; within a key, nodes by the lowest shard they were found in, then by id: such
 * a query reads shards in heap order, so the shards read up to any point always give the same prefix); a
 * sorted one walks every key and resumes at an offset into the sorted matches. Tokens are bound to the
 * query's filters and name the plan the first page chose, which later pages walk without choosing again.
 *
 * <p>Thread-safe; a query's state lives on the DHT's scheduler thread.
 */
public final class CapacityFinder {
    /**
     * Holders a default finder reads per shard. A writer stays in a shard only while fewer of its holders
     * than this answered FULL ({@link CapacityPublisher}), so such a reader always reads one that keeps it.
     */
    public static final int HOLDERS_READ = 3;
    /** Shards of one key a query that reads all of it looks up at a time. */
    public static final int SHARDS_AT_ONCE = 4;
    /**
     * A second plan is read before choosing when its estimated cost is at most this many times the first's:
     * one root shard read (~8 messages) against walking a plan that may hold three times the nodes.
     */
    static final double PROBE_RATIO = 3;

    private final KademliaDht dht;
    private final int holders;
    private final int parallelKeys;

    private CapacityFinder(KademliaDht dht, int holders, int parallelKeys) {
        this.dht = Objects.requireNonNull(dht, "dht");
        if (holders < 1 || parallelKeys < 1) {
            throw new IllegalArgumentException("holders and parallelKeys must be >= 1");
        }
        this.holders = holders;
        this.parallelKeys = parallelKeys;
    }

    /** A finder over {@code dht}: {@link #HOLDERS_READ} holders read per index key, 3 keys walked at a time. */
    public static CapacityFinder create(KademliaDht dht) {
        return new CapacityFinder(dht, HOLDERS_READ, 3);
    }

    /**
     * A finder reading {@code holders} holders per key (more: better recall when holders disagree, more
     * messages) and walking {@code parallelKeys} keys at a time.
     */
    public static CapacityFinder create(KademliaDht dht, int holders, int parallelKeys) {
        return new CapacityFinder(dht, holders, parallelKeys);
    }

    /** Runs {@code query}; fails only with {@link IllegalArgumentException} for a token of another query. */
    public CompletableFuture<CapacityQueryResult> find(CapacityQuery query) {
        Token start;
        try {
            start = Token.parse(query);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<CapacityQueryResult> result = new CompletableFuture<>();
        dht.scheduler().execute(() -> {
            if (!query.includeNodes().isEmpty()) {
                new Run(query, null, null, start).start(result);
                return;
            }
            List<QueryPlan> candidates = QueryPlan.candidates(query);
            QueryPlan tokenPlan = candidates.stream().filter(c -> c.attribute() == start.plan()).findFirst()
                    .orElse(null);
            if (start.plan() != null && tokenPlan == null) {
                result.completeExceptionally(new IllegalArgumentException("continuation token belongs to another query"));
                return;
            }
            new Run(query, candidates, tokenPlan, start).start(result);
        });
        return result;
    }

    /**
     * Continuation state: the plan's attribute (null for a query by node ids), the next key index and the
     * matches of it already returned, or an offset (sorted).
     */
    private record Token(IndexAttribute plan, int keyIndex, int skip) {
        static final Token START = new Token(null, 0, 0);

        static Token parse(CapacityQuery q) {
            if (q.continuation().isEmpty()) {
                return START;
            }
            String text;
            try {
                text = new String(Base64.getUrlDecoder().decode(q.continuation().get()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("continuation token is not base64url: " + q.continuation().get());
            }
            String[] p = text.split(":");
            if (p.length != 5 || !p[0].equals("c2") || !p[1].equals(Integer.toHexString(q.fingerprint().hashCode()))) {
                throw new IllegalArgumentException("continuation token belongs to another query");
            }
            IndexAttribute plan;
            int keyIndex;
            int skip;
            try {
                plan = p[2].equals("-") ? null : IndexAttribute.ofLabel(p[2]);
                keyIndex = Integer.parseInt(p[3]);
                skip = Integer.parseInt(p[4]);
            } catch (IllegalArgumentException e) {      // NumberFormatException too
                throw new IllegalArgumentException("malformed continuation token");
            }
            if (keyIndex < 0 || skip < 0 || (plan == null) != !q.includeNodes().isEmpty()) {
                throw new IllegalArgumentException("malformed continuation token");
            }
            return new Token(plan, keyIndex, skip);
        }

        String encode(CapacityQuery q) {
            String text = "c2:" + Integer.toHexString(q.fingerprint().hashCode()) + ":"
                    + (plan == null ? "-" : plan.label()) + ":" + keyIndex + ":" + skip;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final int SAID_FULL = 1;
    private static final int SAID_OPEN = 2;

    /** A node found under one key: the shard it is listed in, its newest record, whether an entry listed it. */
    private record Found(int shard, SignedRecord<CapacityRecord> record, boolean listed) {}

    /** A root shard read while choosing the plan: what its holders said and the nodes found. */
    private record Prefetch(IndexKey key, int flags, Map<PeerId, Found> found) {
        void addTo(List<QueryPlan.Sample> sample, IndexAttribute source) {
            found.values().stream().filter(Found::listed)
                    .forEach(f -> sample.add(QueryPlan.Sample.of(f.record().record(), source)));
        }
    }

    /** One query; confined to the scheduler thread. */
    private final class Run {
        final CapacityQuery q;
        /** The plans to choose from; null for a query by node ids. */
        final List<QueryPlan> candidates;
        QueryPlan plan;
        /** The root shard of the plan's first key, read while choosing the plan; null if not read. */
        Prefetch prefetch;
        final Token start;
        final Instant now = dht.scheduler().now();
        final long startNanos = dht.scheduler().nanoTime();
        final boolean sorted;
        final int need;
        /** Verified matches per key index (by node id), filled as keys complete. */
        final Map<Integer, List<SignedRecord<CapacityRecord>>> byKey = new HashMap<>();
        final Set<PeerId> emitted = new HashSet<>();
        final List<CapacityMatch> out = new ArrayList<>();
        int nextKey;
        int inFlight;
        int emittedPrefix;
        int skipInCurrent;
        boolean enough;
        int keysWalked, lookups, maxRounds, fetched, rejected;
        long messages, bytes;
        CompletableFuture<CapacityQueryResult> result;

        /** {@code plan}: the continued page's plan, or null to choose one (or for a query by node ids). */
        Run(CapacityQuery q, List<QueryPlan> candidates, QueryPlan plan, Token start) {
            this.q = q;
            this.candidates = candidates;
            this.plan = plan;
            this.start = start;
            this.sorted = q.sort() != CapacityQuery.Sort.NONE;
            this.need = q.limit() == 0 ? Integer.MAX_VALUE : q.limit();
            this.nextKey = sorted ? 0 : start.keyIndex();
            this.emittedPrefix = nextKey;
            this.skipInCurrent = sorted ? 0 : start.skip();
        }

        void start(CompletableFuture<CapacityQueryResult> r) {
            this.result = r;
            if (candidates == null) {
                byNodeIds();
            } else if (plan != null) {
                pump();
            } else {
                choosePlan();
            }
        }

        /**
         * Chooses the plan by reading before committing: the root shard of the first key of the plan the priors
         * favour (which a limited query may find enough in), then, if another plan of an unrelated attribute is
         * estimated at most {@link #PROBE_RATIO} times dearer, the root shard of its first key; each read's
         * records refine the other plans' shares ({@link QueryPlan#share}). The plan chosen keeps its read. A
         * continued page uses its token's plan and reads nothing to choose.
         */
        private void choosePlan() {
            List<QueryPlan.Sample> sample = new ArrayList<>();
            QueryPlan first = QueryPlan.choose(candidates, sample);
            probe(first).whenComplete((firstRead, e1) -> {
                if (e1 != null || candidates.size() == 1 || pageFilledBy(0, firstRead.found())) {
                    adopt(first, e1 == null ? firstRead : null);
                    return;
                }
                firstRead.addTo(sample, first.attribute());
                Optional<QueryPlan> second = candidates.stream()
                        .filter(c -> !QueryPlan.related(c.attribute(), first.attribute()))
                        .min(Comparator.comparingDouble((QueryPlan c) -> c.cost(sample)));
                if (second.isEmpty() || second.get().cost(sample) > PROBE_RATIO * first.cost(sample)) {
                    QueryPlan best = QueryPlan.choose(candidates, sample);
                    adopt(best, best == first ? firstRead : null);
                    return;
                }
                probe(second.get()).whenComplete((secondRead, e2) -> {
                    if (e2 == null) {
                        secondRead.addTo(sample, second.get().attribute());
                    }
                    QueryPlan best = QueryPlan.choose(candidates, sample);
                    adopt(best, best == first ? firstRead : best == second.get() && e2 == null ? secondRead : null);
                });
            });
        }

        private CompletableFuture<Prefetch> probe(QueryPlan p) {
            Map<PeerId, Found> found = new HashMap<>();
            IndexKey root = p.keys().get(0);
            return readShard(0, root, found).thenApply(flags -> new Prefetch(root, flags, found));
        }

        private void adopt(QueryPlan chosen, Prefetch read) {
            plan = chosen;
            prefetch = read != null && read.key().equals(chosen.keys().get(0)) ? read : null;
            pump();
        }

        private void pump() {
            // a limited unsorted query walks one key at a time: most are answered by the first key
            int width = sorted || q.limit() == 0 ? parallelKeys : 1;
            while (!enough && inFlight < width && nextKey < plan.keys().size()) {
                int index = nextKey++;
                inFlight++;
                Map<PeerId, Found> found = new HashMap<>();
                walk(index, plan.keys().get(index), found).whenComplete((v, e) -> {
                    inFlight--;
                    // by shard, so that the records of the shards a limited query read (a prefix of the heap order)
                    // come first whatever was read after
                    byKey.put(index, found.values().stream().filter(Found::listed)
                            .sorted(Comparator.comparingInt(Found::shard)
                                    .thenComparing(f -> f.record().record().nodeId().toBase58()))
                            .map(Found::record).toList());
                    emit();
                    pump();
                });
            }
            if (inFlight == 0 && (enough || nextKey >= plan.keys().size())) {
                finish();
            }
        }

        /**
         * Walks {@code key}'s shard tree from the root, descending into the children of every shard whose holders
         * say it is full, until the tree is read or, for a limited unsorted query, the shards read hold more
         * matches than the page still needs (one more than needed, so that the page's continuation stays on
         * this key). A limited unsorted query reads one shard at a time in heap order (root, level 1, level 2,
         * ... left to right), so that the shards it read are always a prefix of that order and a page's
         * continuation resumes where it stopped; any other reads up to {@link #SHARDS_AT_ONCE} at a time.
         */
        private CompletableFuture<Void> walk(int index, IndexKey key, Map<PeerId, Found> found) {
            int width = sorted || q.limit() == 0 ? SHARDS_AT_ONCE : 1;
            TreeSet<Integer> pending = new TreeSet<>();
            if (prefetch != null && index == 0) {
                // the root, read while choosing the plan
                found.putAll(prefetch.found());
                descendIfFull(pending, 0, prefetch.flags());
                prefetch = null;
            } else {
                pending.add(0);
            }
            int[] reading = {0};
            CompletableFuture<Void> done = new CompletableFuture<>();
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                while (reading[0] < width && !pending.isEmpty() && !enough && !pageFilledBy(index, found)) {
                    int shard = pending.pollFirst();
                    reading[0]++;
                    readShard(index, key.shard(shard), found).whenComplete((flags, e) -> {
                        reading[0]--;
                        if (e == null) {
                            descendIfFull(pending, shard, flags);
                        }
                        pump[0].run();
                    });
                }
                if (reading[0] == 0 && !done.isDone()) {
                    if (pending.isEmpty() || enough || pageFilledBy(index, found)) {
                        done.complete(null);
                    }
                }
            };
            pump[0].run();
            return done;
        }

        /** Adds the children of {@code shard} to {@code pending} if a holder said it is full. */
        private void descendIfFull(TreeSet<Integer> pending, int shard, int flags) {
            if ((flags & SAID_FULL) != 0 && IndexKey.depthOf(shard) < IndexKey.MAX_DEPTH) {
                pending.add(2 * shard + 1);
                pending.add(2 * shard + 2);
            }
        }

        /**
         * Reads shard key {@code k} from {@link #holders} holders; when they disagree about whether it is full,
         * reads every holder the lookup meets.
         */
        private CompletableFuture<Integer> readShard(int index, IndexKey k, Map<PeerId, Found> found) {
            keysWalked++;
            return read(k, k.shard(), holders, found).thenCompose(flags -> {
                if (flags == (SAID_FULL | SAID_OPEN) && !enough && !pageFilledBy(index, found)) {
                    // the holders disagree: a writer stays in a shard while fewer holders than a reader reads are
                    // full without it, so the ones read may all be those: read every holder the lookup meets
                    return read(k, k.shard(), 0, found).thenApply(more -> more | flags);
                }
                return CompletableFuture.completedFuture(flags);
            });
        }

        /**
         * One lookup of shard key {@code k} collecting the pages of {@code n} holders (0: every holder the lookup
         * meets), and this node's own page; takes their records into {@code found}. Completes with
         * {@link #SAID_FULL} if a page said the shard is full, {@link #SAID_OPEN} if one said it is not.
         */
        private CompletableFuture<Integer> read(IndexKey k, int shard, int n, Map<PeerId, Found> found) {
            byte[] wire = k.bytes();
            lookups++;
            return dht.collectValues(wire, n).thenApply(c -> {
                messages += c.stats().requests();
                maxRounds = Math.max(maxRounds, c.stats().rounds());
                List<byte[]> values = new ArrayList<>();
                c.values().forEach(v -> values.add(v.value()));
                dht.keyspace(IndexKey.NAMESPACE).flatMap(h -> h.get(new PeerInfo(dht.self(), List.of()), wire))
                        .map(KadRecord::value).ifPresent(values::add);
                int flags = 0;
                for (byte[] value : values) {
                    bytes += value.length;
                    IndexPage page;
                    try {
                        page = IndexPage.parseFrom(value);
                    } catch (InvalidProtocolBufferException e) {
                        rejected++;
                        continue;
                    }
                    flags |= page.getFull() ? SAID_FULL : SAID_OPEN;
                    for (ByteString entry : page.getRecordsList()) {
                        fetched++;
                        accept(k, shard, entry.toByteArray(), found);
                    }
                }
                return flags;
            });
        }

        /**
         * Whether the records found under key {@code index} so far hold more new matches than this page still
         * needs. Only for a limited unsorted query, which walks one key at a time, so {@code out} and
         * {@code emitted} are those this key will be emitted against.
         */
        private boolean pageFilledBy(int index, Map<PeerId, Found> found) {
            if (sorted || q.limit() == 0) {
                return false;
            }
            long want = (index == start.keyIndex() ? (long) skipInCurrent : 0) + need - out.size();
            long matching = found.values().stream().filter(Found::listed).map(f -> f.record().record())
                    .filter(r -> q.matches(r, now) && !emitted.contains(r.nodeId())).count();
            return matching > want;
        }

        /**
         * Takes one record a holder served under {@code key}: the newest valid record of each node wins. A
         * record that does not belong under the key is a tombstone (the node moved away and this holder got
         * the withdrawal): it never lists a node, but it supersedes an older entry another holder still
         * served, so the exact filter then sees the node as it is now.
         */
        private void accept(IndexKey key, int shard, byte[] bytes, Map<PeerId, Found> found) {
            Verification<SignedRecord<CapacityRecord>> v = CapacityRecord.open(bytes, now);
            if (!(v instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok)) {
                rejected++;
                return;
            }
            SignedRecord<CapacityRecord> s = ok.value();
            boolean listed = IndexKeys.belongs(s.record(), key);
            found.merge(s.record().nodeId(), new Found(listed ? shard : Integer.MAX_VALUE, s, listed), (a, b) ->
                    new Found(Math.min(a.shard(), b.shard()),
                            a.record().record().seq() >= b.record().record().seq() ? a.record() : b.record(),
                            a.listed() || b.listed()));
        }

        /** Appends, in key order, the matches of every key complete so far. */
        private void emit() {
            while (byKey.containsKey(emittedPrefix)) {
                int skip = emittedPrefix == (sorted ? -1 : start.keyIndex()) ? skipInCurrent : 0;
                int seen = 0;
                int taken = 0;
                for (SignedRecord<CapacityRecord> s : byKey.remove(emittedPrefix)) {
                    CapacityRecord r = s.record();
                    if (!q.matches(r, now) || !emitted.add(r.nodeId())) {
                        continue;
                    }
                    if (seen++ < skip) {
                        continue;
                    }
                    if (!sorted && out.size() >= need) {
                        // more in this key: the next page resumes here
                        enough = true;
                        continuation = new Token(plan.attribute(), emittedPrefix, skip + taken);
                        return;
                    }
                    out.add(new CapacityMatch(s, q.distanceKm(r), Duration.between(r.issuedAt(), now)));
                    taken++;
                }
                emittedPrefix++;
                if (!sorted && out.size() >= need) {
                    enough = true;
                    continuation = emittedPrefix < plan.keys().size() ? new Token(plan.attribute(), emittedPrefix, 0) : null;
                    return;
                }
            }
        }

        Token continuation;

        private void finish() {
            if (result.isDone()) {
                return;
            }
            List<CapacityMatch> page = out;
            Optional<String> next = Optional.ofNullable(continuation).map(t -> t.encode(q));
            if (sorted) {
                List<CapacityMatch> all = new ArrayList<>(out);
                order(all);
                int from = Math.min(start.skip(), all.size());
                int to = (int) Math.min((long) from + need, all.size());
                page = all.subList(from, to);
                next = to < all.size() ? Optional.of(new Token(plan.attribute(), 0, to).encode(q)) : Optional.empty();
            }
            long elapsed = (dht.scheduler().nanoTime() - startNanos) / 1_000_000;
            result.complete(new CapacityQueryResult(page, next, new CapacityQueryResult.Cost(
                    plan == null ? "nodes x" + q.includeNodes().size() : plan.toString(), keysWalked, lookups,
                    messages, maxRounds, fetched, rejected, bytes, elapsed)));
        }

        private void order(List<CapacityMatch> all) {
            switch (q.sort()) {
                case PRICE -> all.sort(Comparator.comparingLong((CapacityMatch m) -> m.record().price().coreHour())
                        .thenComparing(m -> m.record().nodeId().toBase58()));
                case FREE_CAPACITY -> all.sort(Comparator.comparingInt((CapacityMatch m) -> -m.record().free().cores())
                        .thenComparingLong(m -> -m.record().free().memoryBytes())
                        .thenComparing(m -> m.record().nodeId().toBase58()));
                case DISTANCE -> all.sort(Comparator.comparingDouble(CapacityMatch::distanceKm)
                        .thenComparing(m -> m.record().nodeId().toBase58()));
                case RANDOM -> {
                    all.sort(Comparator.comparing(m -> m.record().nodeId().toBase58()));
                    Collections.shuffle(all, new Random(q.seed));
                }
                case NONE -> { }
            }
        }

        /** A query naming its nodes: each node's own record, fetched by id. */
        private void byNodeIds() {
            List<PeerId> ids = new ArrayList<>(q.includeNodes());
            ids.sort(Comparator.comparing(PeerId::toBase58));
            List<CompletableFuture<Optional<byte[]>>> gets = new ArrayList<>();
            for (PeerId id : ids) {
                lookups++;
                gets.add(dht.getValue(CapacityRecordValidator.keyFor(id), 1).exceptionally(e -> Optional.empty()));
            }
            long before = dht.metrics().requestsSent();
            CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> dht.scheduler().execute(() -> {
                messages += dht.metrics().requestsSent() - before;
                for (CompletableFuture<Optional<byte[]>> g : gets) {
                    Optional<byte[]> bytesOpt = g.join();
                    if (bytesOpt.isEmpty()) {
                        continue;
                    }
                    fetched++;
                    bytes += bytesOpt.get().length;
                    Verification<SignedRecord<CapacityRecord>> ver = CapacityRecord.open(bytesOpt.get(), now);
                    if (!(ver instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok)) {
                        rejected++;
                        continue;
                    }
                    CapacityRecord r = ok.value().record();
                    if (q.matches(r, now) && emitted.add(r.nodeId())) {
                        out.add(new CapacityMatch(ok.value(), q.distanceKm(r), Duration.between(r.issuedAt(), now)));
                    }
                }
                List<CapacityMatch> all = new ArrayList<>(out);
                out.clear();
                order(all);
                out.addAll(all);
                if (!sorted) {
                    int from = Math.min(start.skip(), out.size());
                    int to = (int) Math.min((long) from + need, out.size());
                    List<CapacityMatch> page = new ArrayList<>(out.subList(from, to));
                    out.clear();
                    out.addAll(page);
                    continuation = to < all.size() ? new Token(null, 0, to) : null;
                }
                finish();
            }));
        }
    }
}
