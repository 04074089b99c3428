package io.gridoverlay.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadRoundTripsWithOwnerOnlyPermissions() throws Exception {
        Path file = dir.resolve("identity.key");
        PrivateKey key = Ed25519.generate().privateKey();
        KeyFiles.write(file, key);
        assertThat(KeyFiles.read(file)).isEqualTo(key);
        assertThat(Files.readAllBytes(file)).isEqualTo(key.encode());
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void writeReplacesAnExistingKey() throws Exception {
        Path file = dir.resolve("identity.key");
        KeyFiles.write(file, Ed25519.generate().privateKey());
        PrivateKey second = Secp256k1PrivateKey.generate().privateKey();
        KeyFiles.write(file, second);
        assertThat(KeyFiles.read(file)).isEqualTo(second);
    }

    @Test
    void loadOrCreateCreatesOnceThenLoads() throws Exception {
        Path file = dir.resolve("node.key");
        PrivateKey created = KeyFiles.loadOrCreate(file);
        assertThat(created.keyType()).isEqualTo(KeyType.ED25519);
        assertThat(KeyFiles.loadOrCreate(file)).isEqualTo(created);
    }

    @Test
    void loadOrCreateDoesNotOverwriteAnInvalidFile() throws Exception {
        Path file = dir.resolve("node.key");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> KeyFiles.loadOrCreate(file)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void oversizedFileIsRejectedBeforeDecoding() throws Exception {
        Path file = dir.resolve("big.key");
        Files.write(file, new byte[PrivateKey.MAX_ENCODED_LENGTH + 10]);
        assertThatThrownBy(() -> KeyFiles.read(file)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void readsSpecVectorKeyFile() throws Exception {
        Path file = dir.resolve("rsa.key");
        Files.write(file, TestVectors.get("rsa-private-key"));
        assertThat(KeyFiles.read(file).publicKey().encode()).isEqualTo(TestVectors.get("rsa-public-key"));
    }
}
