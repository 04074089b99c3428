package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.transport.proto.NoiseProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The decrypted libp2p handshake payload carried in Noise messages 2 and 3 (an immutable value).
 *
 * <pre>
 * NoiseHandshakePayload (protobuf, proto2)
 *   1: identity_key  bytes   libp2p PublicKey, protobuf-encoded
 *   2: identity_sig  bytes   sig over "noise-libp2p-static-key:" || static X25519 public key
 *   4: extensions    NoiseExtensions { 1: repeated bytes webtransport_certhashes;
 *                                      2: repeated string stream_muxers }
 * </pre>
 *
 * <p>Decoding validates sizes and counts against the limits below before keeping any data; encoding and
 * decoding are O(n) and thread-safe.
 */
public final class NoisePayload {
    /** Longest accepted identity key: an RSA-4096 key in the libp2p encoding is about 550 bytes. */
    public static final int MAX_IDENTITY_KEY_LENGTH = 2048;
    /** Longest accepted signature (RSA-4096 signatures are 512 bytes). */
    public static final int MAX_SIGNATURE_LENGTH = 1024;
    /** Most stream muxers or cert hashes accepted in the extensions. */
    public static final int MAX_EXTENSION_ENTRIES = 32;
    /** Longest accepted muxer protocol id or cert hash. */
    public static final int MAX_EXTENSION_ENTRY_LENGTH = 256;

    private final byte[] identityKey;
    private final byte[] identitySignature;
    private final List<String> streamMuxers;
    private final List<byte[]> webtransportCerthashes;

    /** Creates a payload; arrays are copied. */
    public NoisePayload(byte[] identityKey, byte[] identitySignature, List<String> streamMuxers,
            List<byte[]> webtransportCerthashes) {
        this.identityKey = identityKey.clone();
        this.identitySignature = identitySignature.clone();
        this.streamMuxers = List.copyOf(streamMuxers);
        List<byte[]> hashes = new ArrayList<>(webtransportCerthashes.size());
        webtransportCerthashes.forEach(h -> hashes.add(h.clone()));
        this.webtransportCerthashes = List.copyOf(hashes);
    }

    /** The protobuf-encoded libp2p identity public key (a copy). */
    public byte[] identityKey() {
        return identityKey.clone();
    }

    /** The identity signature (a copy). */
    public byte[] identitySignature() {
        return identitySignature.clone();
    }

    /** The stream muxers the sender supports, in its order of preference. */
    public List<String> streamMuxers() {
        return streamMuxers;
    }

    /** WebTransport certificate hashes (copies); empty over TCP. */
    public List<byte[]> webtransportCerthashes() {
        List<byte[]> out = new ArrayList<>(webtransportCerthashes.size());
        webtransportCerthashes.forEach(h -> out.add(h.clone()));
        return out;
    }

    /** Encodes this payload as a protobuf {@code NoiseHandshakePayload}. */
    public byte[] encode() {
        NoiseProtos.NoiseHandshakePayload.Builder b = NoiseProtos.NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identityKey))
                .setIdentitySig(ByteString.copyFrom(identitySignature));
        if (!streamMuxers.isEmpty() || !webtransportCerthashes.isEmpty()) {
            NoiseProtos.NoiseExtensions.Builder ext = NoiseProtos.NoiseExtensions.newBuilder()
                    .addAllStreamMuxers(streamMuxers);
            webtransportCerthashes.forEach(h -> ext.addWebtransportCerthashes(ByteString.copyFrom(h)));
            b.setExtensions(ext);
        }
        return b.build().toByteArray();
    }

    /**
     * Decodes and validates a payload.
     *
     * @throws HandshakeException if the bytes are not a valid payload, a required field is missing or a
     *     limit is exceeded
     */
    public static NoisePayload decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > HandshakeState.MAX_MESSAGE_LENGTH) {
            throw new HandshakeException("handshake payload of " + bytes.length + " bytes exceeds "
                    + HandshakeState.MAX_MESSAGE_LENGTH);
        }
        NoiseProtos.NoiseHandshakePayload p;
        try {
            p = NoiseProtos.NoiseHandshakePayload.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new HandshakeException("handshake payload is not a valid NoiseHandshakePayload: "
                    + e.getMessage(), e);
        }
        if (!p.hasIdentityKey() || p.getIdentityKey().isEmpty()) {
            throw new HandshakeException("handshake payload has no identity_key");
        }
        if (!p.hasIdentitySig() || p.getIdentitySig().isEmpty()) {
            throw new HandshakeException("handshake payload has no identity_sig");
        }
        checkSize("identity_key", p.getIdentityKey().size(), MAX_IDENTITY_KEY_LENGTH);
        checkSize("identity_sig", p.getIdentitySig().size(), MAX_SIGNATURE_LENGTH);
        List<String> muxers = List.of();
        List<byte[]> hashes = List.of();
        if (p.hasExtensions()) {
            NoiseProtos.NoiseExtensions ext = p.getExtensions();
            checkSize("stream_muxers count", ext.getStreamMuxersCount(), MAX_EXTENSION_ENTRIES);
            checkSize("webtransport_certhashes count", ext.getWebtransportCerthashesCount(), MAX_EXTENSION_ENTRIES);
            for (String m : ext.getStreamMuxersList()) {
                checkSize("stream muxer id", m.length(), MAX_EXTENSION_ENTRY_LENGTH);
                if (m.isEmpty()) {
                    throw new HandshakeException("handshake payload lists an empty stream muxer id");
                }
            }
            muxers = ext.getStreamMuxersList();
            hashes = new ArrayList<>();
            for (ByteString h : ext.getWebtransportCerthashesList()) {
                checkSize("webtransport cert hash", h.size(), MAX_EXTENSION_ENTRY_LENGTH);
                hashes.add(h.toByteArray());
            }
        }
        return new NoisePayload(p.getIdentityKey().toByteArray(), p.getIdentitySig().toByteArray(), muxers, hashes);
    }

    private static void checkSize(String what, int size, int max) {
        if (size > max) {
            throw new HandshakeException("handshake payload " + what + " of " + size + " exceeds limit " + max);
        }
    }
}
