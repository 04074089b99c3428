package io.gridoverlay.dht.deploy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.EquivocationProof;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.proto.DeployProto;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KeyspaceHandler;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.Persistence;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT side of deployments: serves the {@value DeploymentStore#NAMESPACE} keyspace
 * ({@code /grid-dep-bundle/<owner>/<deployment id>}) from a {@link DeploymentStore}. A PUT_VALUE carries a
 * {@code DeploymentBundle} (versions oldest first, the target node's acceptance of the last one, or an
 * equivocation proof); each version is offered to the store in order, which keeps it only if it verifies
 * and continues the chain it holds. A GET_VALUE answers with the bundle held. Anyone may write: everything
 * in a bundle is signed by the owner, its co-signers or the node, and the reader verifies it again
 * ({@link DeploymentStore#resolve}).
 *
 * <p>The echo of a PUT_VALUE tells the writer what happened in its {@code timeReceived} field:
 * {@code "gdep:STORED"}, {@code "gdep:DUPLICATE"}, {@code "gdep:EQUIVOCATION"} or {@code "gdep:REJECTED"}.
 * With a {@link Persistence} (a node's data directory) every changed bundle is written through and reloaded
 * at construction, so what a node stores for others survives a restart. Thread-safe; never blocks (the
 * persistence queues its writes).
 */
public final class DeploymentBundleKeyspace implements KeyspaceHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentBundleKeyspace.class);

    /** Prefix of the outcome in a PUT_VALUE echo's {@code timeReceived}. */
    public static final String ACK_PREFIX = "gdep:";

    private final DeploymentStore store;
    private final Persistence persistence;
    private final Clock clock;

    /**
     * A keyspace over a new store with {@code config}, reloading what {@code persistence} holds (versions
     * that no longer verify, e.g. expired ones, are dropped).
     */
    public DeploymentBundleKeyspace(DeploymentStore.Config config, Persistence persistence, Clock clock) {
        this.store = new DeploymentStore(config);
        this.persistence = Objects.requireNonNull(persistence, "persistence");
        this.clock = Objects.requireNonNull(clock, "clock");
        int loaded = 0;
        for (KadRecord r : persistence.loadAll()) {
            try {
                if (offerBundle(DeployProto.DeploymentBundle.parseFrom(r.value())) != DeploymentStore.Outcome.REJECTED) {
                    loaded++;
                }
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                LOG.warn("dropping an unreadable persisted deployment bundle: {}", e.getMessage());
                persistence.delete(r.key());
            }
        }
        if (loaded > 0) {
            LOG.info("reloaded {} deployment bundles", loaded);
        }
    }

    /** An in-memory keyspace with default limits. */
    public static DeploymentBundleKeyspace inMemory() {
        return new DeploymentBundleKeyspace(DeploymentStore.Config.defaults(), Persistence.none(), Clock.systemUTC());
    }

    /** The store behind this keyspace (a node reads its own copy through it). */
    public DeploymentStore store() {
        return store;
    }

    @Override
    public String namespace() {
        return DeploymentStore.NAMESPACE;
    }

    @Override
    public KadRecord put(PeerInfo from, KadRecord record) {
        Target t = parseKey(record.key()).orElseThrow(() -> new KadRequestRejectedException(
                KadRequestRejectedException.Reason.RECORD_REFUSED, "not a deployment bundle key: "
                        + new String(record.key(), StandardCharsets.UTF_8)));
        if (record.valueLength() > DeploymentStore.MAX_SERVED_BUNDLE) {
            throw new KadRequestRejectedException(KadRequestRejectedException.Reason.RECORD_REFUSED,
                    "deployment bundle of " + record.valueLength() + " bytes exceeds " + DeploymentStore.MAX_SERVED_BUNDLE);
        }
        DeployProto.DeploymentBundle bundle;
        try {
            bundle = DeployProto.DeploymentBundle.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new KadRequestRejectedException(KadRequestRejectedException.Reason.RECORD_REFUSED,
                    "deployment bundle does not decode: " + e.getMessage());
        }
        DeploymentStore.Outcome outcome;
        try {
            outcome = offerBundle(bundle, t);
        } catch (RuntimeException e) {
            throw new KadRequestRejectedException(KadRequestRejectedException.Reason.RECORD_REFUSED,
                    "deployment bundle from " + from.peerId() + " refused: " + e.getMessage());
        }
        if (outcome != DeploymentStore.Outcome.REJECTED && outcome != DeploymentStore.Outcome.DUPLICATE) {
            store.bundle(t.owner(), t.deploymentId()).ifPresent(b -> persistence.save(KadRecord.of(record.key(), b)));
        }
        return record.withTimeReceived(ACK_PREFIX + outcome.name());
    }

    @Override
    public Optional<KadRecord> get(PeerInfo from, byte[] key) {
        return parseKey(key).flatMap(t -> store.bundle(t.owner(), t.deploymentId())).map(b -> KadRecord.of(key, b));
    }

    /**
     * Offers a node's own version and acceptance (what it publishes) to the local store, persisting the result.
     */
    public DeploymentStore.Outcome offerLocal(SignedDeployment d, byte[] acceptanceEnvelope) {
        DeploymentStore.Outcome o = store.offer(d, acceptanceEnvelope, clock.instant());
        if (o != DeploymentStore.Outcome.REJECTED && o != DeploymentStore.Outcome.DUPLICATE) {
            PeerId owner = d.deployment().owner().peerId();
            String id = d.deployment().deploymentId();
            store.bundle(owner, id).ifPresent(b -> persistence.save(
                    KadRecord.of(DeploymentStore.bundleKeyFor(owner, id), b)));
        }
        return o;
    }

    /** The bundle to publish for {@code d}: that version alone with its acceptance. */
    public static byte[] publication(SignedDeployment d, byte[] acceptanceEnvelope) {
        DeployProto.DeploymentBundle.Builder b = DeployProto.DeploymentBundle.newBuilder()
                .addHistory(ByteString.copyFrom(d.toBytes()));
        if (acceptanceEnvelope != null) {
            b.setAcceptance(ByteString.copyFrom(acceptanceEnvelope));
        }
        return b.build().toByteArray();
    }

    private DeploymentStore.Outcome offerBundle(DeployProto.DeploymentBundle bundle) {
        return offerBundle(bundle, null);
    }

    /** Offers every part of {@code bundle}; the outcome of its last version (or of its proof). */
    private DeploymentStore.Outcome offerBundle(DeployProto.DeploymentBundle bundle, Target expected) {
        if (bundle.getHistoryCount() > 64) {
            throw new IllegalArgumentException("bundle holds " + bundle.getHistoryCount() + " versions, at most 64");
        }
        Instant now = clock.instant();
        DeploymentStore.Outcome outcome = DeploymentStore.Outcome.REJECTED;
        if (!bundle.getEquivocationProof().isEmpty()) {
            EquivocationProof proof = EquivocationProof.decode(bundle.getEquivocationProof().toByteArray());
            SignedDeployment first = SignedDeployment.decode(proof.first());
            requireTarget(first, expected);
            outcome = store.offerProof(proof);
        }
        List<ByteString> history = bundle.getHistoryList();
        for (int i = 0; i < history.size(); i++) {
            SignedDeployment d = SignedDeployment.decode(history.get(i).toByteArray());
            requireTarget(d, expected);
            byte[] acceptance = i == history.size() - 1 && !bundle.getAcceptance().isEmpty()
                    ? bundle.getAcceptance().toByteArray() : null;
            outcome = store.offer(d, acceptance, now);
        }
        return outcome;
    }

    private static void requireTarget(SignedDeployment d, Target expected) {
        if (expected != null && (!d.deployment().owner().peerId().equals(expected.owner())
                || !d.deployment().deploymentId().equals(expected.deploymentId()))) {
            throw new IllegalArgumentException("the bundle under " + expected + " holds a version of "
                    + d.deployment().owner().peerId() + "/" + d.deployment().deploymentId());
        }
    }

    private record Target(PeerId owner, String deploymentId) {
        @Override
        public String toString() {
            return owner.toBase58() + "/" + deploymentId;
        }
    }

    private static Optional<Target> parseKey(byte[] key) {
        if (!KeyspaceHandler.inNamespace(key, DeploymentStore.NAMESPACE)) {
            return Optional.empty();
        }
        String[] parts = new String(key, StandardCharsets.UTF_8).split("/", 4);
        if (parts.length != 4 || parts[3].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Target(PeerId.parse(parts[2]), parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
