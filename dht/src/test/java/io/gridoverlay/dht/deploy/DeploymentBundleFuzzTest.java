package io.gridoverlay.dht.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.Workload;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.Persistence;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Jazzer fuzz tests of what a remote peer can make a node do with deployment bundles: store one
 * ({@code PUT_VALUE} into the {@code grid-dep-bundle} keyspace) and have it merged into a resolved
 * deployment. In the normal build each replays its committed corpus
 * (src/test/resources/.../DeploymentBundleFuzzTestInputs/&lt;method&gt;: valid one- and two-version bundles,
 * an acceptance, truncations); {@code mvn -Pfuzz} fuzzes one.
 *
 * <p>Properties: arbitrary bytes are refused only with {@link KadRequestRejectedException} (or stored with an
 * outcome in the echo); the store never exceeds its byte budget; nothing a peer sends without the owner's
 * keys removes or replaces the version the node holds; a lying holder's bundle never changes what the
 * honest holders' bundles resolve to.
 */
class DeploymentBundleFuzzTest {
    /** A fixed "now" inside the fixtures' validity, so the committed corpus stays valid. */
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    static final PeerId NODE = DeployFixtures.key(21).peerId();
    static final String ID = "fuzzed";
    static final SignedDeployment V0 = SignedDeployment.of(Deployment.builder(ID, DeployFixtures.OWNER.publicKey(), NODE)
            .createdAt(NOW.minusSeconds(3600)).expiresAt(NOW.plusSeconds(10L * 365 * 86_400))
            .addWorkload(new Workload("vm1", "zmachine", 0, new byte[] {1}, "", "cores=2;memory=1024"))
            .build()).sign(DeployFixtures.OWNER);
    static final SignedDeployment V1 = SignedDeployment.of(DeploymentUpdate.from(V0)
            .createdAt(NOW.minusSeconds(1800)) // fixed: the committed corpus holds this exact v1
            .addWorkload(new Workload("vm1", "zmachine", 1, new byte[] {1}, "", "cores=4;memory=2048"))
            .build()).sign(DeployFixtures.OWNER);
    static final byte[] KEY = DeploymentStore.bundleKeyFor(DeployFixtures.OWNER.peerId(), ID);
    static final PeerInfo FROM = new PeerInfo(DeployFixtures.STRANGER.peerId(), List.of());
    /** The smallest byte budget a store accepts (two versions of the largest size), to reach it sooner. */
    static final DeploymentStore.Config CONFIG = new DeploymentStore.Config(4, 8, 2 * 655_360);

    static DeploymentBundleKeyspace heldV1() {
        DeploymentBundleKeyspace k = new DeploymentBundleKeyspace(CONFIG, Persistence.none(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(k.offerLocal(V0, null)).isEqualTo(DeploymentStore.Outcome.STORED);
        assertThat(k.offerLocal(V1, null)).isEqualTo(DeploymentStore.Outcome.STORED);
        return k;
    }

    @FuzzTest(maxDuration = "30s")
    void putIntoTheBundleKeyspace(byte[] value) {
        DeploymentBundleKeyspace keyspace = heldV1();
        try {
            KadRecord echo = keyspace.put(FROM, KadRecord.of(KEY, value));
            assertThat(echo.timeReceived()).startsWith(DeploymentBundleKeyspace.ACK_PREFIX);
        } catch (KadRequestRejectedException refused) {
            assertThat(refused.reason()).isEqualTo(KadRequestRejectedException.Reason.RECORD_REFUSED);
        }
        DeploymentStore store = keyspace.store();
        assertThat(store.bytes()).isLessThanOrEqualTo(CONFIG.maxBytes());
        Optional<byte[]> held = store.bundle(DeployFixtures.OWNER.peerId(), ID);
        assertThat(held).as("the held deployment survives").isPresent();
        ResolvedDeployment r = DeploymentStore.verifyBundle(held.get(), DeployFixtures.OWNER.peerId(), ID, NOW);
        assertThat(r).isInstanceOf(ResolvedDeployment.Latest.class);
        assertThat(((ResolvedDeployment.Latest) r).latest().digestHex()).as("still v1").isEqualTo(V1.digestHex());
    }

    @FuzzTest(maxDuration = "30s")
    void mergeWithALyingHolder(byte[] lie) {
        byte[] honest = DeploymentBundleKeyspace.publication(V1, null);
        Optional<ResolvedDeployment> merged = DeploymentStore.merge(List.of(lie, honest, lie),
                DeployFixtures.OWNER.peerId(), ID, NOW);
        assertThat(merged).isPresent();
        assertThat(merged.get()).isInstanceOf(ResolvedDeployment.Latest.class);
        assertThat(((ResolvedDeployment.Latest) merged.get()).latest().digestHex()).isEqualTo(V1.digestHex());
        // and alone, a lie is either a verified bundle of this deployment or nothing
        DeploymentStore.merge(List.of(lie), DeployFixtures.OWNER.peerId(), ID, NOW)
                .ifPresent(alone -> assertThat(alone).isInstanceOf(ResolvedDeployment.Latest.class));
    }
}
