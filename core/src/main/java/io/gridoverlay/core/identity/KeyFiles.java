package io.gridoverlay.core.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private key files: the libp2p {@code PrivateKey} protobuf, as go-libp2p and js-libp2p store keys.
 *
 * <p>{@link #write} creates a temporary file in the target directory with owner-only permissions set at
 * creation ({@code rw-------} on POSIX file systems), writes and forces it to disk, then atomically moves it
 * into place, so a reader never sees a partial key and the key is never readable by others. {@link #read}
 * bounds the read to {@link PrivateKey#MAX_ENCODED_LENGTH} and decodes strictly; it logs a warning if a POSIX
 * key file is readable by group or others.
 *
 * <p>Stateless; thread-safe as far as the file system is (two processes racing {@link #loadOrCreate} on the
 * same new path may each create a key; the last move wins).
 */
public final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {}

    /**
     * Writes {@code key} to {@code path} atomically with owner-only permissions, replacing any existing file.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, PrivateKey key) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        byte[] encoded = key.encode();
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(encoded);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads and strictly decodes the private key at {@code path}.
     *
     * @throws IOException if the file cannot be read
     * @throws InvalidKeyException if the file is larger than {@link PrivateKey#MAX_ENCODED_LENGTH} or does
     *     not hold a valid libp2p private key
     */
    public static PrivateKey read(Path path) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(PrivateKey.MAX_ENCODED_LENGTH + 1);
        }
        if (bytes.length > PrivateKey.MAX_ENCODED_LENGTH) {
            throw new InvalidKeyException("key file " + path + " is larger than " + PrivateKey.MAX_ENCODED_LENGTH
                    + " bytes");
        }
        warnIfShared(path);
        try {
            return PrivateKey.decode(bytes);
        } catch (InvalidKeyException e) {
            throw new InvalidKeyException("key file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the key at {@code path}, or generates a new Ed25519 key and writes it there if no file exists.
     *
     * @throws IOException if the file cannot be read or written
     * @throws InvalidKeyException if an existing file does not hold a valid key (it is never overwritten)
     */
    public static PrivateKey loadOrCreate(Path path) throws IOException {
        try {
            return read(path);
        } catch (NoSuchFileException e) {
            PrivateKey key = Ed25519.generate().privateKey();
            write(path, key);
            LOG.info("created new Ed25519 identity {} in {}", key.peerId(), path);
            return key;
        }
    }

    private static void warnIfShared(Path path) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            for (PosixFilePermission p : perms) {
                if (!OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
                    LOG.warn("key file {} has permissions {}, readable beyond its owner; expected rw-------",
                            path, PosixFilePermissions.toString(perms));
                    return;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read permissions of key file {}: {}", path, e.toString());
        }
    }
}
