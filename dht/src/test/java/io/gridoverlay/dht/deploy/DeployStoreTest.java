package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.COSIGNER;
import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static io.gridoverlay.dht.deploy.DeployFixtures.STRANGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.proto.DeployProto;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Storage for others: chain, bounded history, acceptance, equivocation, and the caller-side verification. */
class DeployStoreTest {
    static final PrivateKey NODE = DeployFixtures.key(30);
    static final Instant NOW = Instant.now();

    static byte[] accept(SignedDeployment d) {
        return Acceptance.accept(d, Acceptance.State.OK, NOW).sign(NODE).toBytes();
    }

    static ResolvedDeployment resolve(DeploymentStore store, String id) {
        return DeploymentStore.resolve(store.asSource(), OWNER.peerId(), id, NOW).join().orElseThrow();
    }

    @Test
    void latestAcceptanceAndBoundedVerifiedHistoryResolve() {
        DeploymentStore store = new DeploymentStore(new DeploymentStore.Config(2, 10));
        SignedDeployment v0 = DeployFixtures.signedV0("chain", NODE.peerId(), 1, 1);
        SignedDeployment v1 = DeployFixtures.update(v0, 2, 2, OWNER);
        SignedDeployment v2 = DeployFixtures.update(v1, 3, 3, OWNER);
        assertThat(store.offer(v0, accept(v0), NOW)).isEqualTo(DeploymentStore.Outcome.STORED);
        assertThat(store.offer(v1, accept(v1), NOW)).isEqualTo(DeploymentStore.Outcome.STORED);
        assertThat(store.offer(v2, accept(v2), NOW)).isEqualTo(DeploymentStore.Outcome.STORED);
        assertThat(store.offer(v0, null, NOW)).isEqualTo(DeploymentStore.Outcome.REJECTED); // out of the window

        ResolvedDeployment r = resolve(store, "chain");
        assertThat(r).isInstanceOfSatisfying(ResolvedDeployment.Latest.class, l -> {
            assertThat(l.history()).containsExactly(v1, v2);
            assertThat(l.latest()).isEqualTo(v2);
            assertThat(l.acceptance()).hasValueSatisfying(a -> assertThat(a.record().isFor(v2)).isTrue());
        });
        assertThat(DeploymentStore.resolve(store.asSource(), OWNER.peerId(), "absent", NOW).join()).isEmpty();
    }

    @Test
    void equivocationIsStoredAsAProofAndResolvedInsteadOfAVersion() {
        DeploymentStore store = new DeploymentStore(DeploymentStore.Config.defaults());
        SignedDeployment v0 = DeployFixtures.signedV0("eq", NODE.peerId(), 1, 1);
        SignedDeployment v1a = DeployFixtures.update(v0, 2, 2, OWNER);
        SignedDeployment v1b = DeployFixtures.update(v0, 4, 4, OWNER);
        store.offer(v0, null, NOW);
        assertThat(store.offer(v1a, accept(v1a), NOW)).isEqualTo(DeploymentStore.Outcome.STORED);
        assertThat(store.offer(v1b, null, NOW)).isEqualTo(DeploymentStore.Outcome.EQUIVOCATION);
        assertThat(store.proofs(OWNER.peerId())).singleElement()
                .satisfies(p -> assertThat(p.verify().isValid()).isTrue());
        assertThat(resolve(store, "eq")).isInstanceOfSatisfying(ResolvedDeployment.Equivocated.class,
                e -> assertThat(e.proof().verify().isValid()).isTrue());
    }

    @Test
    void ownerOnlyUpdateDroppingRequiredCosignersIsNotStored() {
        DeploymentStore store = new DeploymentStore(DeploymentStore.Config.defaults());
        Deployment d = DeployFixtures.v0Builder("guarded", NODE.peerId(), 1, 1)
                .requirement(DeployFixtures.ownerAndCosigner()).build();
        SignedDeployment v0 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER);
        store.offer(v0, null, NOW);
        SignedDeployment v1 = SignedDeployment.of(DeploymentUpdate.from(v0)
                .requirement(SignatureRequirement.singleSigner(OWNER.publicKey())).build()).sign(OWNER);
        assertThat(store.offer(v1, null, NOW)).isEqualTo(DeploymentStore.Outcome.REJECTED);
    }

    @Test
    void resolveRejectsAForgedAcceptanceAndABrokenChainFromTheResponder() {
        SignedDeployment v0 = DeployFixtures.signedV0("lie", NODE.peerId(), 1, 1);
        SignedDeployment v1 = DeployFixtures.update(v0, 2, 2, OWNER);
        byte[] forgedAcceptance = new Acceptance("lie", 1, v1.digest(), true, "", List.of(), NOW, STRANGER.peerId())
                .sign(STRANGER).toBytes();
        byte[] lyingAcceptance = DeployProto.DeploymentBundle.newBuilder()
                .addHistory(ByteString.copyFrom(v0.toBytes())).addHistory(ByteString.copyFrom(v1.toBytes()))
                .setAcceptance(ByteString.copyFrom(forgedAcceptance)).build().toByteArray();
        assertThatThrownBy(() -> DeploymentStore.resolve(key -> CompletableFuture.completedFuture(
                Optional.of(lyingAcceptance)), OWNER.peerId(), "lie", NOW).join()).cause()
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DeploymentException.Kind.INVALID_ANSWER);
                    assertThat(e.getMessage()).contains("acceptance does not verify");
                });
        SignedDeployment unrelatedV2 = DeployFixtures.update(DeployFixtures.update(
                DeployFixtures.signedV0("lie", NODE.peerId(), 7, 7), 1, 1, OWNER), 1, 1, OWNER);
        byte[] brokenChain = DeployProto.DeploymentBundle.newBuilder()
                .addHistory(ByteString.copyFrom(v1.toBytes())).addHistory(ByteString.copyFrom(unrelatedV2.toBytes()))
                .build().toByteArray();
        assertThatThrownBy(() -> DeploymentStore.resolve(key -> CompletableFuture.completedFuture(
                Optional.of(brokenChain)), OWNER.peerId(), "lie", NOW).join()).cause()
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.getMessage()).contains("history does not verify"));
    }

    static byte[] bundleOf(DeploymentStore store, String id) {
        return store.bundle(OWNER.peerId(), id).orElseThrow();
    }

    @Test
    void mergeSkipsALyingHolderAndPrefersTheHighestVerifiedVersionWithItsAcceptance() {
        SignedDeployment v0 = DeployFixtures.signedV0("m", NODE.peerId(), 1, 1);
        SignedDeployment v1 = DeployFixtures.update(v0, 2, 2, OWNER);
        DeploymentStore stale = new DeploymentStore(DeploymentStore.Config.defaults());
        stale.offer(v0, accept(v0), NOW);
        DeploymentStore fresh = new DeploymentStore(DeploymentStore.Config.defaults());
        fresh.offer(v0, null, NOW);
        fresh.offer(v1, accept(v1), NOW);
        byte[] garbage = {1, 2, 3, 4};
        byte[] forged = DeployProto.DeploymentBundle.newBuilder().addHistory(ByteString.copyFrom(v1.toBytes()))
                .setAcceptance(ByteString.copyFrom(new Acceptance("m", 1, v1.digest(), true, "", List.of(), NOW,
                        STRANGER.peerId()).sign(STRANGER).toBytes())).build().toByteArray();

        Optional<ResolvedDeployment> r = DeploymentStore.merge(List.of(garbage, bundleOf(stale, "m"), forged,
                bundleOf(fresh, "m")), OWNER.peerId(), "m", NOW);
        assertThat(r).hasValueSatisfying(x -> assertThat(x).isInstanceOfSatisfying(ResolvedDeployment.Latest.class,
                l -> {
                    assertThat(l.history()).containsExactly(v0, v1);
                    assertThat(l.acceptance()).hasValueSatisfying(a -> assertThat(a.record().isFor(v1)).isTrue());
                }));
        assertThat(DeploymentStore.merge(List.of(garbage, forged.clone()), OWNER.peerId(), "other", NOW)).isEmpty();
    }

    @Test
    void conflictingVersionsServedByTwoHoldersMergeIntoAnEquivocationProof() {
        SignedDeployment v0 = DeployFixtures.signedV0("split", NODE.peerId(), 1, 1);
        SignedDeployment v1a = DeployFixtures.update(v0, 2, 2, OWNER);
        SignedDeployment v1b = DeployFixtures.update(v0, 4, 4, OWNER);
        DeploymentStore a = new DeploymentStore(DeploymentStore.Config.defaults());
        a.offer(v0, null, NOW);
        a.offer(v1a, null, NOW);
        DeploymentStore b = new DeploymentStore(DeploymentStore.Config.defaults());
        b.offer(v0, null, NOW);
        b.offer(v1b, null, NOW);
        assertThat(DeploymentStore.merge(List.of(bundleOf(a, "split"), bundleOf(b, "split")), OWNER.peerId(),
                "split", NOW)).hasValueSatisfying(x -> assertThat(x).isInstanceOfSatisfying(
                        ResolvedDeployment.Equivocated.class, e -> assertThat(e.proof().verify().isValid()).isTrue()));
    }

    @Test
    void aStoreKeepsWithinItsByteBudgetAndRefusesNewDeploymentsBeyondIt() {
        long budget = 2L * SignedDeployment.MAX_ENCODED_LENGTH;
        DeploymentStore store = new DeploymentStore(new DeploymentStore.Config(16, 1_000_000, budget));
        int stored = 0;
        for (int i = 0; i < 5_000; i++) {
            SignedDeployment d = DeployFixtures.signedV0("d" + i, NODE.peerId(), 1, 1);
            if (store.offer(d, null, NOW) == DeploymentStore.Outcome.STORED) {
                stored++;
            }
            assertThat(store.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(stored).isPositive().isLessThan(5_000);
        assertThat(store.size()).isEqualTo(stored);
        assertThat(store.offer(DeployFixtures.signedV0("late", NODE.peerId(), 1, 1), null, NOW))
                .isEqualTo(DeploymentStore.Outcome.REJECTED);
    }

    @Test
    void theBundleKeyspaceStoresWhatItIsSentPersistsItAndRefusesForeignOrMalformedBundles() {
        io.gridoverlay.dht.record.Persistence disk = io.gridoverlay.dht.record.Persistence.inMemory();
        java.time.Clock clock = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
        DeploymentBundleKeyspace ks = new DeploymentBundleKeyspace(DeploymentStore.Config.defaults(), disk, clock);
        io.gridoverlay.dht.protocol.PeerInfo from = new io.gridoverlay.dht.protocol.PeerInfo(STRANGER.peerId(), List.of());
        SignedDeployment v0 = DeployFixtures.signedV0("ks", NODE.peerId(), 1, 1);
        SignedDeployment v1 = DeployFixtures.update(v0, 2, 2, OWNER);
        byte[] key = DeploymentStore.bundleKeyFor(OWNER.peerId(), "ks");
        for (SignedDeployment d : List.of(v0, v1)) {
            var echo = ks.put(from, io.gridoverlay.dht.protocol.KadRecord.of(key,
                    DeploymentBundleKeyspace.publication(d, accept(d))));
            assertThat(echo.timeReceived()).isEqualTo(DeploymentBundleKeyspace.ACK_PREFIX + "STORED");
        }
        // under another deployment's key, or not a bundle at all: refused, nothing stored
        byte[] otherKey = DeploymentStore.bundleKeyFor(OWNER.peerId(), "elsewhere");
        assertThatThrownBy(() -> ks.put(from, io.gridoverlay.dht.protocol.KadRecord.of(otherKey,
                DeploymentBundleKeyspace.publication(v0, null))))
                .isInstanceOf(io.gridoverlay.dht.protocol.KadRequestRejectedException.class)
                .hasMessageContaining("holds a version of");
        assertThatThrownBy(() -> ks.put(from, io.gridoverlay.dht.protocol.KadRecord.of(key, new byte[] {(byte) 0xff, 1})))
                .isInstanceOf(io.gridoverlay.dht.protocol.KadRequestRejectedException.class);
        assertThat(ks.store().size()).isEqualTo(1);

        DeploymentBundleKeyspace reloaded = new DeploymentBundleKeyspace(DeploymentStore.Config.defaults(), disk, clock);
        byte[] served = reloaded.get(from, key).orElseThrow().value();
        assertThat(DeploymentStore.merge(List.of(served), OWNER.peerId(), "ks", NOW)).hasValueSatisfying(x ->
                assertThat(x).isInstanceOfSatisfying(ResolvedDeployment.Latest.class,
                        l -> assertThat(l.history()).containsExactly(v0, v1)));
    }
}
