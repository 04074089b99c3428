package io.gridoverlay.dht.deploy;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.EquivocationProof;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.deploy.DeploymentException.Kind;
import io.gridoverlay.dht.proto.DeployProto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a storing node keeps of other owners' deployments: per (owner, deployment id) the latest valid
 * version, the target node's acceptance of it, and a bounded history ({@link Config#maxHistory()} versions)
 * whose chain verifies; and, once two owner-signed versions with one number and different digests were
 * offered, the {@link EquivocationProof}, kept under the owner's namespace and returned instead of any
 * version. {@link #bundle} serves the raw bytes; {@link #resolve} is the caller's side, which verifies all
 * of it and trusts nothing from the responder.
 *
 * <p>Thread-safe: every method holds the store's monitor. {@link #offer} costs O(signatures) verifications;
 * memory is bounded by {@code maxDeployments × maxHistory} records.
 */
public final class DeploymentStore {
    /** Namespace of bundle keys. */
    public static final String NAMESPACE = "grid-dep-bundle";

    /**
     * Limits. {@code maxHistory} versions per deployment (oldest dropped first), at most
     * {@code maxDeployments} deployments and {@code maxBytes} bytes of encoded versions, acceptances and
     * proofs in all (a new deployment is refused beyond either; a new version of a held one drops the
     * oldest versions of that deployment until it fits).
     */
    public record Config(int maxHistory, int maxDeployments, long maxBytes) {
        public Config {
            if (maxHistory < 1 || maxHistory > 64 || maxDeployments < 1) {
                throw new IllegalArgumentException("maxHistory must be 1..64 and maxDeployments positive");
            }
            if (maxBytes < 2L * SignedDeployment.MAX_ENCODED_LENGTH) {
                throw new IllegalArgumentException("maxBytes must hold at least two versions of the largest size ("
                        + 2L * SignedDeployment.MAX_ENCODED_LENGTH + "), got " + maxBytes);
            }
        }

        /** {@code maxHistory} versions of at most {@code maxDeployments} deployments, within {@link DeploymentStore#DEFAULT_MAX_BYTES}. */
        public Config(int maxHistory, int maxDeployments) {
            this(maxHistory, maxDeployments, DEFAULT_MAX_BYTES);
        }

        /** 16 versions of at most 10,000 deployments, within 8 MiB. */
        public static Config defaults() {
            return new Config(16, 10_000, DEFAULT_MAX_BYTES);
        }
    }

    /** Default byte budget of a store: 8 MiB, sized for a node run with -Xmx256m (docs/memory-budget.md). */
    public static final long DEFAULT_MAX_BYTES = 8L << 20;

    /**
     * Largest bundle {@link #bundle} serves: what fits a Kad value ({@code KadLimits} default 512 KiB) with
     * room for the key and framing; older versions are left out of the served history to stay within it.
     */
    public static final int MAX_SERVED_BUNDLE = 500 * 1024;

    /** What {@link #offer} did with a version. */
    public enum Outcome {
        /** Stored as the new latest version. */
        STORED,
        /** Already held (signatures merged). */
        DUPLICATE,
        /** Older than the held window, or does not continue the chain: not stored. */
        REJECTED,
        /** Conflicts with a held version of the same number: the proof is stored. */
        EQUIVOCATION
    }

    /** Fetches raw bundle bytes by key (over the DHT, or from a local store): nothing is trusted. */
    @FunctionalInterface
    public interface BundleSource {
        CompletableFuture<Optional<byte[]>> fetch(byte[] key);
    }

    private static final class Held {
        final Deque<SignedDeployment> history = new ArrayDeque<>();
        byte[] acceptance;
        EquivocationProof proof;

        long bytes() {
            long n = acceptance == null ? 0 : acceptance.length;
            for (SignedDeployment d : history) {
                n += size(d);
            }
            return n + (proof == null ? 0 : proof.encode().length);
        }
    }

    private final Config config;
    private final Map<String, Held> held = new HashMap<>();
    private long bytes;

    public DeploymentStore(Config config) {
        this.config = config;
    }

    /** The bundle key of deployment {@code deploymentId} of {@code owner}. */
    public static byte[] bundleKeyFor(PeerId owner, String deploymentId) {
        return ("/" + NAMESPACE + "/" + owner.toBase58() + "/" + deploymentId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Offers a version (with the target node's acceptance envelope, or null). A first version must verify on
     * its own; a next one must be a valid successor of the latest held (including the previous
     * requirement); a version already held with another digest, each signed by the owner, becomes an
     * equivocation proof. An acceptance is kept only if it verifies for the latest version.
     */
    public synchronized Outcome offer(SignedDeployment d, byte[] acceptanceEnvelope, Instant now) {
        String k = key(d);
        Held h = held.get(k);
        if (h == null || h.history.isEmpty()) {
            long size = size(d) + (acceptanceEnvelope == null ? 0 : acceptanceEnvelope.length);
            if (h == null && (held.size() >= config.maxDeployments() || bytes + size > config.maxBytes())) {
                return Outcome.REJECTED;
            }
            if (!d.verify(now).isValid()) {
                return Outcome.REJECTED;
            }
            Held fresh = h == null ? new Held() : h;
            return account(fresh, () -> {
                fresh.history.addLast(d);
                held.put(k, fresh);
                keepAcceptance(fresh, acceptanceEnvelope);
                return Outcome.STORED;
            });
        }
        long v = d.deployment().version();
        for (SignedDeployment old : h.history) {
            if (old.deployment().version() == v) {
                Held same = h;
                if (Arrays.equals(old.digest(), d.digest())) {
                    return account(same, () -> {
                        if (old == same.history.peekLast()) {
                            keepAcceptance(same, acceptanceEnvelope);
                        }
                        return Outcome.DUPLICATE;
                    });
                }
                EquivocationProof p = EquivocationProof.of(old, d);
                if (!p.verify().isValid()) {
                    return Outcome.REJECTED;
                }
                return account(same, () -> {
                    if (same.proof == null) {
                        same.proof = p;
                    }
                    return Outcome.EQUIVOCATION;
                });
            }
        }
        SignedDeployment latest = h.history.peekLast();
        if (v != latest.deployment().version() + 1 || !d.verifySuccessorOf(latest, now).isValid()) {
            return Outcome.REJECTED;
        }
        Held next = h;
        return account(next, () -> {
            next.history.addLast(d);
            next.acceptance = null;
            keepAcceptance(next, acceptanceEnvelope);
            while (next.history.size() > config.maxHistory()
                    || (next.history.size() > 1 && bytes + next.bytes() > config.maxBytes())) {
                next.history.removeFirst();
            }
            return Outcome.STORED;
        });
    }

    /**
     * Offers an equivocation proof learnt from elsewhere (another holder's bundle): kept, under the owner's
     * namespace, if it verifies and this store holds none for that deployment yet.
     */
    public synchronized Outcome offerProof(EquivocationProof proof) {
        if (!proof.verify().isValid()) {
            return Outcome.REJECTED;
        }
        SignedDeployment first;
        try {
            first = SignedDeployment.decode(proof.first());
        } catch (DecodingException e) {
            return Outcome.REJECTED;
        }
        String k = key(first);
        Held h = held.get(k);
        if (h != null && h.proof != null) {
            return Outcome.DUPLICATE;
        }
        if (h == null && (held.size() >= config.maxDeployments()
                || bytes + proof.encode().length > config.maxBytes())) {
            return Outcome.REJECTED;
        }
        Held target = h == null ? new Held() : h;
        return account(target, () -> {
            target.proof = proof;
            held.put(k, target);
            return Outcome.EQUIVOCATION;
        });
    }

    /** Runs {@code change} on {@code h} and keeps the store's byte count in step with it. */
    private Outcome account(Held h, java.util.function.Supplier<Outcome> change) {
        long before = held.get(keyOf(h)) == h ? h.bytes() : 0;
        Outcome o = change.get();
        bytes += h.bytes() - before;
        return o;
    }

    private String keyOf(Held h) {
        SignedDeployment any = h.history.peekFirst();
        if (any != null) {
            return key(any);
        }
        if (h.proof != null) {
            try {
                return key(SignedDeployment.decode(h.proof.first()));
            } catch (DecodingException e) {
                return "";
            }
        }
        return "";
    }

    /** Bytes of versions, acceptances and proofs held (what {@link Config#maxBytes()} bounds). */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many deployments are held. */
    public synchronized int size() {
        return held.size();
    }

    private static void keepAcceptance(Held h, byte[] envelope) {
        if (envelope == null) {
            return;
        }
        Verification<SignedRecord<Acceptance>> a = Acceptance.open(envelope, h.history.peekLast());
        if (a instanceof Verification.Valid<SignedRecord<Acceptance>> ok && ok.value().record().accepted()) {
            h.acceptance = envelope.clone();
        }
    }

    /** The equivocation proofs held for {@code owner}'s deployments. */
    public synchronized List<EquivocationProof> proofs(PeerId owner) {
        String prefix = owner.toBase58() + "/";
        List<EquivocationProof> out = new ArrayList<>();
        held.forEach((k, h) -> {
            if (k.startsWith(prefix) && h.proof != null) {
                out.add(h.proof);
            }
        });
        return out;
    }

    /** The raw {@code DeploymentBundle} of one deployment, if held. */
    public synchronized Optional<byte[]> bundle(PeerId owner, String deploymentId) {
        Held h = held.get(owner.toBase58() + "/" + deploymentId);
        if (h == null) {
            return Optional.empty();
        }
        DeployProto.DeploymentBundle.Builder b = DeployProto.DeploymentBundle.newBuilder();
        long size = 0;
        if (h.proof != null) {
            byte[] p = h.proof.encode();
            b.setEquivocationProof(ByteString.copyFrom(p));
            size += p.length;
        }
        if (h.acceptance != null) {
            b.setAcceptance(ByteString.copyFrom(h.acceptance));
            size += h.acceptance.length;
        }
        // the newest versions that fit a Kad value, oldest first
        Deque<byte[]> served = new ArrayDeque<>();
        java.util.Iterator<SignedDeployment> newestFirst = h.history.descendingIterator();
        while (newestFirst.hasNext()) {
            byte[] d = newestFirst.next().toBytes();
            if (!served.isEmpty() && size + d.length + 8 > MAX_SERVED_BUNDLE) {
                break;
            }
            served.addFirst(d);
            size += d.length + 8;
        }
        for (byte[] d : served) {
            b.addHistory(ByteString.copyFrom(d));
        }
        return Optional.of(b.build().toByteArray());
    }

    /** This store as a {@link BundleSource} (keys from {@link #bundleKeyFor}). */
    public BundleSource asSource() {
        return key -> {
            String[] parts = new String(key, StandardCharsets.UTF_8).split("/", 4);
            if (parts.length != 4 || !parts[1].equals(NAMESPACE)) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            try {
                return CompletableFuture.completedFuture(bundle(PeerId.parse(parts[2]), parts[3]));
            } catch (DecodingException e) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
        };
    }

    /**
     * Fetches and verifies deployment {@code deploymentId} of {@code owner}: a valid equivocation proof for it
     * wins; otherwise every version must decode, name this owner and id, and form a chain that verifies
     * (signatures, previous requirement, expiry of the latest at {@code now}); an acceptance is returned only
     * if the latest version's node signed it for exactly that digest. Completes empty if the source has
     * nothing; fails with {@link DeploymentException} ({@link Kind#INVALID_ANSWER}) if what it has does not
     * verify.
     */
    public static CompletableFuture<Optional<ResolvedDeployment>> resolve(BundleSource source, PeerId owner,
                                                                          String deploymentId, Instant now) {
        return source.fetch(bundleKeyFor(owner, deploymentId))
                .thenApply(bytes -> bytes.map(b -> verifyBundle(b, owner, deploymentId, now)));
    }

    /**
     * Verifies every bundle that several holders returned for deployment {@code deploymentId} of
     * {@code owner} and merges what verifies: a valid equivocation proof from any holder wins, and so do two
     * verified versions of one number with different digests (the proof is built from them); otherwise the
     * history whose latest version is highest, with an acceptance of that version if any holder served one.
     * Bundles that do not verify are skipped: one lying holder cannot hide or alter a deployment others
     * serve. Empty when nothing verifies.
     */
    public static Optional<ResolvedDeployment> merge(List<byte[]> bundles, PeerId owner, String deploymentId,
                                                     Instant now) {
        List<ResolvedDeployment.Latest> valid = new ArrayList<>();
        for (byte[] b : bundles) {
            ResolvedDeployment r;
            try {
                r = verifyBundle(b, owner, deploymentId, now);
            } catch (DeploymentException e) {
                continue;
            }
            if (r instanceof ResolvedDeployment.Equivocated) {
                return Optional.of(r);
            }
            valid.add((ResolvedDeployment.Latest) r);
        }
        Map<Long, SignedDeployment> byVersion = new HashMap<>();
        for (ResolvedDeployment.Latest l : valid) {
            for (SignedDeployment d : l.history()) {
                SignedDeployment seen = byVersion.putIfAbsent(d.deployment().version(), d);
                if (seen != null && !Arrays.equals(seen.digest(), d.digest())) {
                    EquivocationProof p = EquivocationProof.of(seen, d);
                    if (p.verify().isValid()) {
                        return Optional.of(new ResolvedDeployment.Equivocated(p));
                    }
                }
            }
        }
        // highest latest version; among equals, one with the acceptance, then the longest history
        java.util.Comparator<ResolvedDeployment.Latest> better = java.util.Comparator
                .<ResolvedDeployment.Latest>comparingLong(l -> l.latest().deployment().version())
                .thenComparing(l -> l.acceptance().isPresent())
                .thenComparingInt(l -> l.history().size());
        ResolvedDeployment.Latest best = valid.stream().max(better).orElse(null);
        return Optional.ofNullable(best);
    }

    static ResolvedDeployment verifyBundle(byte[] bytes, PeerId owner, String deploymentId, Instant now) {
        int max = 64 * SignedDeployment.MAX_ENCODED_LENGTH + EquivocationProof.MAX_ENCODED_LENGTH + 64 * 1024;
        if (bytes.length > max) {
            throw invalid("bundle of " + bytes.length + " bytes exceeds " + max);
        }
        DeployProto.DeploymentBundle p;
        try {
            p = DeployProto.DeploymentBundle.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw invalid("bundle does not decode: " + e.getMessage());
        }
        try {
            if (!p.getEquivocationProof().isEmpty()) {
                EquivocationProof proof = EquivocationProof.decode(p.getEquivocationProof().toByteArray());
                if (proof.verify() instanceof Verification.Invalid<EquivocationProof> bad) {
                    throw invalid(bad.reason());
                }
                SignedDeployment a = SignedDeployment.decode(proof.first());
                if (!a.deployment().owner().peerId().equals(owner)
                        || !a.deployment().deploymentId().equals(deploymentId)) {
                    throw invalid("equivocation proof is about another deployment");
                }
                return new ResolvedDeployment.Equivocated(proof);
            }
            if (p.getHistoryCount() == 0 || p.getHistoryCount() > 64) {
                throw invalid("bundle history must hold 1-64 versions");
            }
            List<SignedDeployment> history = new ArrayList<>();
            for (ByteString r : p.getHistoryList()) {
                SignedDeployment d = SignedDeployment.decode(r.toByteArray());
                if (!d.deployment().owner().peerId().equals(owner)
                        || !d.deployment().deploymentId().equals(deploymentId)) {
                    throw invalid("bundle holds a version of another deployment: " + d);
                }
                history.add(d);
            }
            if (io.gridoverlay.core.record.DeploymentHistory.verifyChain(history, false, now) instanceof Verification.Invalid<SignedDeployment> bad) {
                throw invalid("history does not verify: " + bad.reason());
            }
            Optional<SignedRecord<Acceptance>> acceptance = Optional.empty();
            if (!p.getAcceptance().isEmpty()) {
                SignedDeployment latest = history.get(history.size() - 1);
                Verification<SignedRecord<Acceptance>> a = Acceptance.open(p.getAcceptance().toByteArray(), latest);
                if (a instanceof Verification.Invalid<SignedRecord<Acceptance>> bad) {
                    throw invalid("acceptance does not verify: " + bad.reason());
                }
                SignedRecord<Acceptance> ok = a.orElseThrow();
                if (!ok.record().accepted()) {
                    throw invalid("the acceptance served is a rejection");
                }
                acceptance = Optional.of(ok);
            }
            return new ResolvedDeployment.Latest(history, acceptance);
        } catch (DecodingException e) {
            throw invalid(e.getMessage());
        }
    }

    private static DeploymentException invalid(String why) {
        return new DeploymentException(Kind.INVALID_ANSWER, "resolved deployment does not verify: " + why);
    }

    private static long size(SignedDeployment d) {
        return d.toBytes().length;
    }

    private static String key(SignedDeployment d) {
        return d.deployment().owner().peerId().toBase58() + "/" + d.deployment().deploymentId();
    }
}
