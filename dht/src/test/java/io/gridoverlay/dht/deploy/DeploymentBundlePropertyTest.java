package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.CONFIG;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.FROM;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.ID;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.KEY;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.NOW;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.V0;
import static io.gridoverlay.dht.deploy.DeploymentBundleFuzzTest.V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.proto.DeployProto;
import io.gridoverlay.dht.record.Persistence;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Properties of the {@code grid-dep-bundle} keyspace over sequences of PUTs, as holders receive them from
 * many peers in any order: valid bundles, stale ones, truncated and foreign ones mixed.
 */
class DeploymentBundlePropertyTest {
    private static final byte[] ACCEPTANCE = Acceptance.accept(V1, Acceptance.State.OK, NOW)
            .sign(DeployFixtures.key(21)).toBytes();
    private static final byte[] BOTH = DeployProto.DeploymentBundle.newBuilder()
            .addHistory(ByteString.copyFrom(V0.toBytes())).addHistory(ByteString.copyFrom(V1.toBytes()))
            .setAcceptance(ByteString.copyFrom(ACCEPTANCE)).build().toByteArray();
    /**
     * What peers may send: v0 alone, v1 alone (checked against v0 when v0 is held; a holder that holds
     * nothing takes the latest version alone, as the accepting node publishes it), both, garbage, another
     * owner's deployment under this key.
     */
    private static final List<byte[]> PUTS = List.of(
            DeploymentBundleKeyspace.publication(V0, null),
            DeploymentBundleKeyspace.publication(V1, null),
            BOTH,
            Arrays.copyOf(BOTH, BOTH.length / 2),
            new byte[] {0x0a, 0x7f},
            DeploymentBundleKeyspace.publication(
                    DeployFixtures.signedV0("other", DeployFixtures.key(22).peerId(), 1, 1024), null));

    @Test
    void whateverTheOrderTheHolderEndsWithTheHighestVersionItCouldVerify() {
        qt().withFixedSeed(20261205L).withExamples(300)
                .forAll(lists().of(integers().between(0, PUTS.size() - 1)).ofSizeBetween(0, 12))
                .checkAssert(order -> {
                    DeploymentBundleKeyspace k = new DeploymentBundleKeyspace(CONFIG, Persistence.none(),
                            Clock.fixed(NOW, ZoneOffset.UTC));
                    boolean sawV0 = false;
                    boolean sawV1 = false;
                    for (int i : order) {
                        try {
                            k.put(FROM, KadRecord.of(KEY, PUTS.get(i)));
                        } catch (KadRequestRejectedException refused) {
                            // garbage, or a bundle of another deployment under this key
                        }
                        sawV0 |= i == 0;
                        sawV1 |= i == 1 || i == 2;
                    }
                    Optional<byte[]> held = k.store().bundle(DeployFixtures.OWNER.peerId(), ID);
                    if (!sawV0 && !sawV1) {
                        assertThat(held).isEmpty();
                        return;
                    }
                    ResolvedDeployment r = DeploymentStore.verifyBundle(held.orElseThrow(),
                            DeployFixtures.OWNER.peerId(), ID, NOW);
                    SignedDeployment latest = ((ResolvedDeployment.Latest) r).latest();
                    assertThat(latest.digestHex()).as("order " + order).isEqualTo((sawV1 ? V1 : V0).digestHex());
                    assertThat(k.store().bytes()).isLessThanOrEqualTo(CONFIG.maxBytes());
                });
    }
}
