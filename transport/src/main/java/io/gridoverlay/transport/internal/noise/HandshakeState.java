package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.HandshakeException;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A Noise {@code HandshakeState} (Noise spec rev 34, section 5.3) for
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}, without PSKs:
 *
 * <pre>
 * XX:
 *   -> e
 *   &lt;- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * <p>Messages are the raw Noise messages (no libp2p length prefix). After the third message
 * {@link #split()} yields the transport cipher states. Any failure makes the state unusable. Each step is
 * one or two X25519 operations plus O(message) symmetric work. Not thread-safe.
 */
public final class HandshakeState {
    /** The Noise protocol name libp2p uses. */
    public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** Largest Noise message, by the Noise spec. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private enum Token { E, S, EE, ES, SE }

    private static final Token[][] XX = {
        {Token.E},
        {Token.E, Token.EE, Token.S, Token.ES},
        {Token.S, Token.SE},
    };

    private final NoiseCrypto crypto;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final byte[] staticPrivate;
    private final byte[] staticPublic;
    private final byte[] ephemeralPrivate;
    private byte[] ephemeralPublic;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private int messageIndex;
    private boolean failed;

    /**
     * Creates the state ({@code Initialize()}).
     *
     * @param ephemeralPrivate the ephemeral private key to use; fixed only in test vectors
     */
    HandshakeState(NoiseCrypto crypto, boolean initiator, byte[] prologue, byte[] staticPrivate,
            byte[] ephemeralPrivate) {
        this.crypto = crypto;
        this.initiator = initiator;
        NoiseCrypto.checkLength(staticPrivate, "static private key");
        NoiseCrypto.checkLength(ephemeralPrivate, "ephemeral private key");
        this.staticPrivate = staticPrivate.clone();
        this.staticPublic = crypto.publicKey(staticPrivate);
        this.ephemeralPrivate = ephemeralPrivate.clone();
        this.symmetric = new SymmetricState(crypto, PROTOCOL_NAME);
        symmetric.mixHash(prologue);
    }

    /** Whether this side started the handshake. */
    public boolean isInitiator() {
        return initiator;
    }

    /** Whether it is this side's turn to write. */
    public boolean isMyTurn() {
        return !isComplete() && ((messageIndex % 2 == 0) == initiator);
    }

    /** Index of the next message, 0 to 3. */
    int messageIndex() {
        return messageIndex;
    }

    /** Whether all three messages have been processed. */
    public boolean isComplete() {
        return messageIndex >= XX.length;
    }

    /** Our static X25519 public key. */
    public byte[] localStaticPublicKey() {
        return staticPublic.clone();
    }

    /** The remote static X25519 public key once received (after message 2 or 3), else {@code null}. */
    public byte[] remoteStaticPublicKey() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    /** The handshake hash {@code h}; after completion, the channel binding value. */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /**
     * {@code WriteMessage(payload)}: the next handshake message carrying {@code payload}.
     *
     * @throws IllegalStateException if it is not our turn
     * @throws HandshakeException if the message would exceed 65535 bytes
     */
    public byte[] writeMessage(byte[] payload) {
        checkUsable();
        if (!isMyTurn()) {
            throw new IllegalStateException("not this side's turn to write (message " + (messageIndex + 1) + ")");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128 + payload.length);
            for (Token t : XX[messageIndex]) {
                switch (t) {
                    case E:
                        ephemeralPublic = crypto.publicKey(ephemeralPrivate);
                        out.writeBytes(ephemeralPublic);
                        symmetric.mixHash(ephemeralPublic);
                        break;
                    case S:
                        out.writeBytes(symmetric.encryptAndHash(staticPublic));
                        break;
                    default:
                        mixDh(t);
                }
            }
            out.writeBytes(symmetric.encryptAndHash(payload));
            if (out.size() > MAX_MESSAGE_LENGTH) {
                throw new HandshakeException("handshake message " + (messageIndex + 1) + " would be "
                        + out.size() + " bytes, over the Noise limit of " + MAX_MESSAGE_LENGTH);
            }
            messageIndex++;
            return out.toByteArray();
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * {@code ReadMessage(message)}: processes the remote's next handshake message and returns its payload.
     *
     * @throws HandshakeException if the message is truncated, too long, or fails authentication
     * @throws IllegalStateException if it is our turn to write
     */
    public byte[] readMessage(byte[] message) {
        checkUsable();
        if (isComplete() || isMyTurn()) {
            throw new IllegalStateException("not expecting a message from the remote (message " + (messageIndex + 1) + ")");
        }
        try {
            if (message.length > MAX_MESSAGE_LENGTH) {
                throw new HandshakeException("handshake message of " + message.length + " bytes exceeds "
                        + MAX_MESSAGE_LENGTH);
            }
            int pos = 0;
            for (Token t : XX[messageIndex]) {
                switch (t) {
                    case E:
                        pos = need(message, pos, NoiseCrypto.DH_LEN, "ephemeral key");
                        remoteEphemeral = Arrays.copyOfRange(message, pos - NoiseCrypto.DH_LEN, pos);
                        symmetric.mixHash(remoteEphemeral);
                        break;
                    case S: {
                        int len = NoiseCrypto.DH_LEN + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                        pos = need(message, pos, len, "static key");
                        remoteStatic = decrypt(Arrays.copyOfRange(message, pos - len, pos), "static key");
                        break;
                    }
                    default:
                        mixDh(t);
                }
            }
            byte[] payload = decrypt(Arrays.copyOfRange(message, pos, message.length), "payload");
            messageIndex++;
            return payload;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * {@code Split()}: the two transport cipher states, as {@code [send, receive]} for this side.
     *
     * @throws IllegalStateException if the handshake is not complete
     */
    public CipherState[] split() {
        if (!isComplete() || failed) {
            throw new IllegalStateException("handshake not complete");
        }
        CipherState[] c = symmetric.split();
        Arrays.fill(ephemeralPrivate, (byte) 0);
        return initiator ? new CipherState[] {c[0], c[1]} : new CipherState[] {c[1], c[0]};
    }

    private byte[] decrypt(byte[] ciphertext, String what) {
        try {
            return symmetric.decryptAndHash(ciphertext);
        } catch (DecryptionException e) {
            throw new HandshakeException("handshake message " + (messageIndex + 1) + ": " + what
                    + " failed authentication", e);
        }
    }

    private void mixDh(Token t) {
        switch (t) {
            case EE:
                symmetric.mixKey(crypto.dh(ephemeralPrivate, remoteEphemeral));
                break;
            case ES:
                symmetric.mixKey(initiator ? crypto.dh(ephemeralPrivate, remoteStatic)
                        : crypto.dh(staticPrivate, remoteEphemeral));
                break;
            case SE:
                symmetric.mixKey(initiator ? crypto.dh(staticPrivate, remoteEphemeral)
                        : crypto.dh(ephemeralPrivate, remoteStatic));
                break;
            default:
                throw new AssertionError(t);
        }
    }

    private int need(byte[] message, int pos, int len, String what) {
        if (message.length - pos < len) {
            throw new HandshakeException("handshake message " + (messageIndex + 1) + " of " + message.length
                    + " bytes is too short for the " + what);
        }
        return pos + len;
    }

    private void checkUsable() {
        if (failed) {
            throw new IllegalStateException("handshake state failed earlier and cannot be used");
        }
    }
}
