package io.gridoverlay.dht.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyPair;
import io.gridoverlay.core.record.CapacityRecordValidator;
import io.gridoverlay.core.record.DeploymentRecordValidator;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.protocol.KadRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorsTest {
    final Instant now = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void publicKeyRecordMustMatchThePeerIdInTheKey() {
        KeyPair a = Ed25519.generate();
        KeyPair b = Ed25519.generate();
        PublicKeyValidator v = new PublicKeyValidator();
        byte[] key = PublicKeyValidator.keyFor(a.privateKey().peerId());
        assertThat(v.validate(key, a.privateKey().publicKey().encode(), now).isValid()).isTrue();
        assertThat(v.validate(key, b.privateKey().publicKey().encode(), now))
                .isInstanceOfSatisfying(Verification.Invalid.class, i -> assertThat(i.reason()).contains("holds the key of"));
        assertThat(v.validate(key, new byte[] {1, 2, 3}, now).isValid()).isFalse();
        assertThat(v.validate("/pk/".getBytes(), a.privateKey().publicKey().encode(), now).isValid()).isFalse();
        assertThat(v.validate("/pk/garbage".getBytes(), a.privateKey().publicKey().encode(), now).isValid()).isFalse();
        assertThat(v.select(key, List.of(new byte[1], new byte[2]), now)).isZero();
    }

    @Test
    void publicKeyRecordsGoThroughTheStore() {
        KeyPair a = Ed25519.generate();
        RecordStore s = new RecordStore(RecordStoreConfig.builder().build(), Validators.defaults());
        byte[] key = PublicKeyValidator.keyFor(a.privateKey().peerId());
        s.put(KadRecord.of(key, a.privateKey().publicKey().encode()));
        assertThat(s.get(key)).isPresent();
        assertThatThrownBy(() -> s.put(KadRecord.of(PublicKeyValidator.keyFor(Ed25519.generate().privateKey().peerId()),
                a.privateKey().publicKey().encode()))).isInstanceOf(RecordRejectedException.class);
    }

    @Test
    void defaultsCoverPkAndTheGridNamespaces() {
        Validators v = Validators.defaults();
        assertThat(v.namespaces()).containsExactlyInAnyOrder("pk", CapacityRecordValidator.NAMESPACE,
                DeploymentRecordValidator.NAMESPACE);
        assertThat(v.forKey("/grid-cap/x".getBytes())).containsInstanceOf(CapacityRecordValidator.class);
        assertThat(v.validate("/grid-cap/x".getBytes(), new byte[] {1}, now).isValid()).isFalse();
        assertThat(v.validate("/other/x".getBytes(), new byte[] {1}, now))
                .isInstanceOfSatisfying(Verification.Invalid.class, i -> assertThat(i.reason()).contains("no validator"));
    }

    @Test
    void aNamespaceIsRegisteredOnce() {
        assertThatThrownBy(() -> Validators.builder().add(new PublicKeyValidator()).add(new PublicKeyValidator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a validator");
    }
}
