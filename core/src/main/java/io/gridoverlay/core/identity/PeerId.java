package io.gridoverlay.core.identity;

import io.gridoverlay.core.encoding.Base32;
import io.gridoverlay.core.encoding.Base58;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multibase;
import io.gridoverlay.core.encoding.Multihash;
import io.gridoverlay.core.encoding.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A libp2p peer id: the multihash of the peer's encoded public key — the identity multihash (the key
 * inline) when the encoded key is at most 42 bytes, as for Ed25519 and secp256k1, and SHA-256 otherwise.
 *
 * <pre>
 * identity:  0x00 | len (≤ 42) | PublicKey protobuf     text: 12D3KooW… (Ed25519), 16Uiu2… (secp256k1)
 * sha2-256:  0x12 | 0x20       | SHA-256(PublicKey)     text: Qm…
 * CIDv1:     'b' base32( 0x01 | 0x72 libp2p-key | multihash )
 * </pre>
 *
 * <p>Immutable and thread-safe. {@link #equals}, {@link #hashCode} and {@link #compareTo} work on the stored
 * multihash bytes (hash cached, unsigned lexicographic order); nothing is re-encoded. Identity ids are
 * validated on construction: they must carry a valid public key, which {@link #publicKey()} returns.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Encoded public keys up to this length are inlined with the identity multihash. */
    public static final int MAX_INLINE_KEY_LENGTH = 42;
    /** Longest text {@link #parse} accepts; real peer ids are under 80 characters. */
    public static final int MAX_TEXT_LENGTH = 256;
    /** Multicodec of a peer id inside a CID. */
    public static final int LIBP2P_KEY_CODEC = 0x72;

    private static final int IDENTITY = Multihash.IDENTITY;
    private static final int SHA2_256 = Multihash.SHA2_256;

    private final byte[] bytes;
    private final int hash;
    private final PublicKey inlineKey;
    private String base58; // cached; benign race, String is immutable

    private PeerId(byte[] bytes, PublicKey inlineKey) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
        this.inlineKey = inlineKey;
    }

    /** The peer id of {@code key}. Prefer {@link PublicKey#peerId()}, which caches it. */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] encoded = key.encodedBytes();
        if (encoded.length <= MAX_INLINE_KEY_LENGTH) {
            byte[] out = new byte[2 + encoded.length];
            out[0] = IDENTITY;
            out[1] = (byte) encoded.length;
            System.arraycopy(encoded, 0, out, 2, encoded.length);
            return new PeerId(out, key);
        }
        byte[] out = new byte[34];
        out[0] = SHA2_256;
        out[1] = 32;
        System.arraycopy(Multihash.sha256Digest(encoded), 0, out, 2, 32);
        return new PeerId(out, null);
    }

    /**
     * The peer id with the given binary form (a multihash).
     *
     * @throws InvalidPeerIdException unless {@code multihash} is a SHA-256 multihash, or an identity
     *     multihash of at most 42 bytes holding a valid encoded public key, with nothing after it
     */
    public static PeerId fromBytes(byte[] multihash) {
        Objects.requireNonNull(multihash, "multihash");
        if (multihash.length < 2) {
            throw new InvalidPeerIdException("peer id of " + multihash.length + " bytes is too short for a multihash");
        }
        int code = multihash[0] & 0xFF;
        int length = multihash[1] & 0xFF; // both allowed lengths are below 0x80, i.e. one-byte varints
        if (code == SHA2_256) {
            if (length != 32 || multihash.length != 34) {
                throw new InvalidPeerIdException("sha2-256 peer id must be 34 bytes with a 32-byte digest, got "
                        + multihash.length + " bytes declaring " + length);
            }
            return new PeerId(multihash.clone(), null);
        }
        if (code == IDENTITY) {
            if (length > MAX_INLINE_KEY_LENGTH) {
                throw new InvalidPeerIdException("identity peer id declares " + length + " bytes, more than "
                        + MAX_INLINE_KEY_LENGTH);
            }
            if (multihash.length != 2 + length) {
                throw new InvalidPeerIdException("identity peer id declares " + length + " bytes but "
                        + (multihash.length - 2) + " follow");
            }
            PublicKey key;
            try {
                key = PublicKey.decode(Arrays.copyOfRange(multihash, 2, multihash.length));
            } catch (InvalidKeyException e) {
                throw new InvalidPeerIdException("identity peer id does not hold a valid public key: "
                        + e.getMessage(), e);
            }
            return new PeerId(multihash.clone(), key);
        }
        throw new InvalidPeerIdException("peer id multihash function 0x" + Integer.toHexString(code)
                + " is neither identity (0x00) nor sha2-256 (0x12)");
    }

    /**
     * Parses either text form: a base58btc multihash ({@code 12D3KooW…}, {@code 16Uiu2…}, {@code Qm…}) or
     * a multibase CIDv1 with the {@code libp2p-key} codec ({@code bafz…}, {@code bafzaa…}).
     *
     * @throws InvalidPeerIdException if {@code text} is neither form or does not hold a valid peer id
     */
    public static PeerId parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        int len = text.length();
        if (len == 0) {
            throw new InvalidPeerIdException("empty peer id text");
        }
        if (len > MAX_TEXT_LENGTH) {
            throw new InvalidPeerIdException("peer id text of " + len + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        char first = text.charAt(0);
        try {
            if (first == '1' || (first == 'Q' && len > 1 && text.charAt(1) == 'm')) {
                return fromBytes(Base58.decode(text));
            }
            Multibase.Base base;
            try {
                base = Multibase.baseOf(first);
            } catch (DecodingException e) {
                throw new InvalidPeerIdException("not a peer id: '" + abbreviate(text)
                        + "' is neither base58btc (1…, Qm…) nor a multibase CID (b…)", e);
            }
            byte[] cid = Multibase.decodeRaw(base, text.subSequence(1, len).toString());
            ByteBuffer buf = ByteBuffer.wrap(cid);
            long version = Varint.read(buf);
            if (version != 1) {
                throw new InvalidPeerIdException("peer id CID has version " + version + ", expected 1");
            }
            long codec = Varint.read(buf);
            if (codec != LIBP2P_KEY_CODEC) {
                throw new InvalidPeerIdException("peer id CID has multicodec 0x" + Long.toHexString(codec)
                        + ", expected libp2p-key (0x72)");
            }
            return fromBytes(Arrays.copyOfRange(cid, buf.position(), cid.length));
        } catch (InvalidPeerIdException e) {
            throw e;
        } catch (DecodingException e) {
            throw new InvalidPeerIdException("invalid peer id '" + abbreviate(text) + "': " + e.getMessage(), e);
        }
    }

    private static String abbreviate(CharSequence text) {
        return text.length() <= 64 ? text.toString() : text.subSequence(0, 61) + "...";
    }

    /** A copy of the binary form (the multihash). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Length of the binary form. */
    public int length() {
        return bytes.length;
    }

    /** The multihash. */
    public Multihash multihash() {
        return Multihash.decode(bytes);
    }

    /** The canonical text form: base58btc of the multihash. */
    public String toBase58() {
        String s = base58;
        if (s == null) {
            s = Base58.encode(bytes);
            base58 = s;
        }
        return s;
    }

    /** The CIDv1 text form: multibase base32 of {@code 0x01 0x72 multihash}. */
    public String toCid() {
        byte[] cid = new byte[2 + bytes.length];
        cid[0] = 0x01;
        cid[1] = LIBP2P_KEY_CODEC;
        System.arraycopy(bytes, 0, cid, 2, bytes.length);
        return Multibase.Base.BASE32.prefix() + Base32.encode(cid);
    }

    /** The public key carried inline by an identity peer id; empty for a SHA-256 peer id. */
    public Optional<PublicKey> publicKey() {
        return Optional.ofNullable(inlineKey);
    }

    /** Whether this is the peer id of {@code key}. */
    public boolean matches(PublicKey key) {
        if (inlineKey != null) {
            return inlineKey.equals(key);
        }
        return key.encodedLength() > MAX_INLINE_KEY_LENGTH && equals(key.peerId());
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof PeerId p && hash == p.hash && Arrays.equals(bytes, p.bytes));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Unsigned lexicographic order of the binary forms. */
    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** {@link #toBase58()}. */
    @Override
    public String toString() {
        return toBase58();
    }
}
