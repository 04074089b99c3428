package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.record.DeploymentRecordValidator;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records and providers stored for others survive a re-opened SQLite file and a new store over it. */
class DeploySqlitePersistenceTest {
    @TempDir
    Path dir;

    final Validators validators = Validators.builder().add(new DeploymentRecordValidator()).build();

    @Test
    void recordsStoredForOthersSurviveARestart() {
        SignedDeployment d = DeployFixtures.signedV0("kept", DeployFixtures.key(40).peerId(), 1, 1);
        byte[] key = DeploymentRecordValidator.keyFor(OWNER.peerId(), "kept");
        SignedDeployment gone = DeployFixtures.signedV0("gone", DeployFixtures.key(40).peerId(), 1, 1);
        byte[] goneKey = DeploymentRecordValidator.keyFor(OWNER.peerId(), "gone");
        try (SqliteRecordPersistence p = SqliteRecordPersistence.open(dir)) {
            RecordStore store = new RecordStore(RecordStoreConfig.builder().persistence(p).build(), validators);
            store.put(KadRecord.of(key, d.toEnvelope(OWNER).toBytes()));
            store.put(KadRecord.of(goneKey, gone.toEnvelope(OWNER).toBytes()));
            assertThat(store.remove(goneKey)).isTrue();
        }
        try (SqliteRecordPersistence p = SqliteRecordPersistence.open(dir)) {
            assertThat(p.loadAll()).hasSize(1);
            RecordStore reopened = new RecordStore(RecordStoreConfig.builder().persistence(p).build(), validators);
            assertThat(reopened.get(key)).hasValueSatisfying(
                    r -> assertThat(SignedDeployment.openEnvelope(r.value())).isEqualTo(d));
            assertThat(reopened.get(goneKey)).isEmpty();
        }
    }

    @Test
    void providersSurviveARestart() {
        PeerInfo provider = new PeerInfo(DeployFixtures.key(41).peerId(),
                List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/4002")));
        byte[] key = "some-content".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (SqliteRecordPersistence p = SqliteRecordPersistence.open(dir)) {
            p.providers().save(key, provider, System.currentTimeMillis() + 3_600_000);
            p.providers().save("expired".getBytes(java.nio.charset.StandardCharsets.UTF_8), provider,
                    System.currentTimeMillis() - 1);
        }
        try (SqliteRecordPersistence p = SqliteRecordPersistence.open(dir)) {
            assertThat(p.providers().loadAll()).singleElement().satisfies(e -> {
                assertThat(e.key()).isEqualTo(key);
                assertThat(e.provider()).isEqualTo(provider);
                assertThat(e.provider().addresses()).isEqualTo(provider.addresses());
            });
            ProviderStore store = new ProviderStore(ProviderStoreConfig.defaults(), p.providers());
            assertThat(store.providers(key)).extracting(PeerInfo::peerId).containsExactly(provider.peerId());
        }
    }
}
