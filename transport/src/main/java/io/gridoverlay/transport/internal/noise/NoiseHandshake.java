package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sans-I/O libp2p Noise handshake ({@code Noise_XX_25519_ChaChaPoly_SHA256}, empty prologue): builds and
 * checks the three XX messages including the libp2p identity payloads of messages 2 and 3.
 *
 * <pre>
 * initiator                                   responder
 *   msg1: e                              -->
 *                                        &lt;--  msg2: e, ee, s, es, payload(identity, sig, muxers)
 *   msg3: s, se, payload(identity, sig, muxers) -->
 * </pre>
 *
 * <p>Drive it with {@link #isMyTurn()}, {@link #writeMessage()} and {@link #readMessage(byte[])} (raw
 * Noise messages, without the 2-byte length prefix of the wire); after completion {@link #session()}
 * returns the transport ciphers. The remote's payload is verified as soon as it is read: its signature
 * over {@code "noise-libp2p-static-key:" || remote static key} and, for a dialer that set one, the
 * expected identity. Failures throw {@link HandshakeException} and make the handshake unusable.
 * Not thread-safe; one instance per connection.
 */
public final class NoiseHandshake {
    /** The protocol id negotiated through multistream-select. */
    public static final String PROTOCOL_ID = "/noise";
    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    private final NoiseConfig config;
    private final HandshakeState state;
    private final byte[] expectedRemoteIdentity;
    private NoisePayload remotePayload;
    private NoiseSession session;
    private boolean failed;

    private NoiseHandshake(NoiseConfig config, NoiseCrypto crypto, boolean initiator, byte[] ephemeral,
            byte[] expectedRemoteIdentity) {
        this.config = config;
        this.state = new HandshakeState(crypto, initiator, new byte[0],
                config.staticKey().privateKeyUnsafe(), ephemeral);
        this.expectedRemoteIdentity = expectedRemoteIdentity == null ? null : expectedRemoteIdentity.clone();
    }

    /** A dialer's handshake that accepts any authenticated remote identity. */
    public static NoiseHandshake initiator(NoiseConfig config) {
        return initiator(config, null);
    }

    /**
     * A dialer's handshake that fails unless {@link NoiseIdentityVerifier#matches} accepts the remote
     * identity against {@code expectedRemoteIdentity} ({@code null}: any identity).
     */
    public static NoiseHandshake initiator(NoiseConfig config, byte[] expectedRemoteIdentity) {
        return new NoiseHandshake(config, NoiseCrypto.DEFAULT, true, ephemeral(config), expectedRemoteIdentity);
    }

    /** A listener's handshake. */
    public static NoiseHandshake responder(NoiseConfig config) {
        return new NoiseHandshake(config, NoiseCrypto.DEFAULT, false, ephemeral(config), null);
    }

    /** For tests: a handshake with a fixed ephemeral key and crypto back end. */
    static NoiseHandshake create(NoiseConfig config, NoiseCrypto crypto, boolean initiator, byte[] ephemeral,
            byte[] expectedRemoteIdentity) {
        return new NoiseHandshake(config, crypto, initiator, ephemeral, expectedRemoteIdentity);
    }

    private static byte[] ephemeral(NoiseConfig config) {
        byte[] e = new byte[NoiseCrypto.DH_LEN];
        config.random().nextBytes(e);
        return e;
    }

    /** Whether this side dialed. */
    public boolean isInitiator() {
        return state.isInitiator();
    }

    /** Whether the next step is {@link #writeMessage()}. */
    public boolean isMyTurn() {
        return !failed && state.isMyTurn();
    }

    /** Whether all three messages were exchanged and the remote authenticated. */
    public boolean isComplete() {
        return session != null;
    }

    /**
     * The next handshake message to send.
     *
     * @throws IllegalStateException if it is not this side's turn
     * @throws HandshakeException if the message cannot be built
     */
    public byte[] writeMessage() {
        checkUsable();
        try {
            // Message 1 carries no payload: nothing in it would be encrypted.
            byte[] payload = state.messageIndex() == 0 ? new byte[0] : localPayload();
            byte[] message = state.writeMessage(payload);
            finishIfComplete();
            return message;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Processes the remote's next handshake message.
     *
     * @throws HandshakeException if it is malformed, fails authentication, carries a bad identity payload
     *     or an identity other than the expected one
     * @throws IllegalStateException if it is this side's turn to write
     */
    public void readMessage(byte[] message) {
        checkUsable();
        try {
            boolean first = state.messageIndex() == 0;
            byte[] payload = state.readMessage(message);
            if (!first) {
                // Messages 2 (read by the dialer) and 3 (read by the listener) carry the identity payload.
                remotePayload = verify(NoisePayload.decode(payload));
            }
            finishIfComplete();
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** The authenticated remote payload, once received. */
    public Optional<NoisePayload> remotePayload() {
        return Optional.ofNullable(remotePayload);
    }

    /**
     * The transport ciphers and the result.
     *
     * @throws IllegalStateException if the handshake is not complete
     */
    public NoiseSession session() {
        if (session == null) {
            throw new IllegalStateException("handshake not complete");
        }
        return session;
    }

    private byte[] localPayload() {
        byte[] staticPublic = state.localStaticPublicKey();
        byte[] signature = config.identity().sign(signedData(staticPublic));
        return new NoisePayload(config.identity().encodedPublicKey(), signature, config.streamMuxers(), List.of())
                .encode();
    }

    private NoisePayload verify(NoisePayload payload) {
        byte[] remoteStatic = state.remoteStaticPublicKey();
        byte[] identityKey = payload.identityKey();
        try {
            config.verifier().verify(identityKey, signedData(remoteStatic), payload.identitySignature());
        } catch (HandshakeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HandshakeException("remote identity verification failed: " + e.getMessage(), e);
        }
        if (expectedRemoteIdentity != null && !config.verifier().matches(identityKey, expectedRemoteIdentity)) {
            throw new HandshakeException("remote identity does not match the expected identity");
        }
        return payload;
    }

    static byte[] signedData(byte[] staticPublicKey) {
        byte[] data = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + staticPublicKey.length);
        System.arraycopy(staticPublicKey, 0, data, SIGNATURE_PREFIX.length, staticPublicKey.length);
        return data;
    }

    private void finishIfComplete() {
        if (state.isComplete() && session == null) {
            CipherState[] c = state.split();
            NoiseHandshakeResult result = new NoiseHandshakeResult(remotePayload.identityKey(),
                    state.remoteStaticPublicKey(), remotePayload.streamMuxers(), state.handshakeHash(),
                    state.isInitiator());
            session = new NoiseSession(result, c[0], c[1]);
        }
    }

    private void checkUsable() {
        if (failed) {
            throw new IllegalStateException("handshake failed earlier and cannot be used");
        }
    }
}
