package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.InvalidPeerIdException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.proto.EnvelopeProtos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A libp2p peer record (RFC 0003): a peer's id, a sequence number and its listen addresses in binary
 * multiaddr form, carried in a {@link Envelope} signed by that peer under domain {@value #DOMAIN} with
 * payload type {@code 0x03 0x01} (the varint of multicodec {@code libp2p-peer-record}, 0x0301).
 *
 * <pre>
 * PeerRecord protobuf:
 *   0x0a varint(len) peer id multihash      field 1 peer_id
 *   0x10 varint(seq)                         field 2 seq (uint64)
 *   0x1a varint(len) AddressInfo             field 3 addresses, repeated
 *          0x0a varint(len) multiaddr bytes      AddressInfo field 1
 * </pre>
 *
 * <p>Immutable and thread-safe; {@code seq} is an unsigned 64-bit number held in a {@code long}. Addresses are
 * kept as raw binary multiaddrs and returned as copies. Decoding tolerates unknown protobuf fields (RFC 0003
 * reserves room for extensions) but requires a valid peer id and bounded addresses.
 */
public final class PeerRecord {
    /** Envelope domain of peer records. */
    public static final String DOMAIN = "libp2p-peer-record";
    /** Longest binary multiaddr accepted in a record. */
    public static final int MAX_ADDRESS_LENGTH = 1024;

    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

    private final PeerId peerId;
    private final long seq;
    private final byte[][] addresses;

    private PeerRecord(PeerId peerId, long seq, byte[][] addresses) {
        this.peerId = peerId;
        this.seq = seq;
        this.addresses = addresses;
    }

    /**
     * A record for {@code peerId} with sequence number {@code seq} (unsigned) and the given binary multiaddrs
     * (copied).
     *
     * @throws IllegalArgumentException if an address is empty or longer than {@link #MAX_ADDRESS_LENGTH}
     */
    public static PeerRecord of(PeerId peerId, long seq, List<byte[]> addresses) {
        Objects.requireNonNull(peerId, "peerId");
        byte[][] copy = new byte[addresses.size()][];
        for (int i = 0; i < copy.length; i++) {
            byte[] a = addresses.get(i);
            if (a.length == 0 || a.length > MAX_ADDRESS_LENGTH) {
                throw new IllegalArgumentException("address " + i + " has " + a.length + " bytes; expected 1.."
                        + MAX_ADDRESS_LENGTH);
            }
            copy[i] = a.clone();
        }
        return new PeerRecord(peerId, seq, copy);
    }

    /** The envelope payload type of peer records, {@code 0x03 0x01}. */
    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /**
     * Decodes a record from its protobuf bytes (an envelope payload). Does not check any signature.
     *
     * @throws InvalidRecordException if the bytes are not a valid peer record
     */
    public static PeerRecord decode(byte[] payload) {
        EnvelopeProtos.PeerRecord msg;
        try {
            msg = EnvelopeProtos.PeerRecord.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("peer record is not a valid protobuf: " + e.getMessage(), e);
        }
        PeerId id;
        try {
            id = PeerId.fromBytes(msg.getPeerId().toByteArray());
        } catch (InvalidPeerIdException e) {
            throw new InvalidRecordException("peer record has an invalid peer id: " + e.getMessage(), e);
        }
        byte[][] addrs = new byte[msg.getAddressesCount()][];
        for (int i = 0; i < addrs.length; i++) {
            ByteString a = msg.getAddresses(i).getMultiaddr();
            if (a.isEmpty() || a.size() > MAX_ADDRESS_LENGTH) {
                throw new InvalidRecordException("peer record address " + i + " has " + a.size()
                        + " bytes; expected 1.." + MAX_ADDRESS_LENGTH);
            }
            addrs[i] = a.toByteArray();
        }
        return new PeerRecord(id, msg.getSeq(), addrs);
    }

    /**
     * The record carried by a verified envelope, checking the payload type and that the envelope was signed by
     * the peer the record is about.
     *
     * @throws InvalidRecordException if the payload type is wrong, the payload is malformed, or the signer is
     *     not the record's peer
     */
    public static PeerRecord fromEnvelope(Envelope envelope) {
        if (!envelope.hasPayloadType(PAYLOAD_TYPE)) {
            throw new InvalidRecordException("envelope payload type " + HexFormat.of().formatHex(envelope.payloadType())
                    + " is not libp2p-peer-record (0301)");
        }
        PeerRecord record = decode(envelope.payload());
        if (!record.peerId.matches(envelope.publicKey())) {
            throw new InvalidRecordException("peer record for " + record.peerId + " is signed by another peer, "
                    + envelope.peerId());
        }
        return record;
    }

    /**
     * Opens envelope bytes under {@link #DOMAIN} (default size limit) and returns the record they carry.
     *
     * @throws InvalidRecordException (or its subclass {@link InvalidEnvelopeException}) if anything is invalid
     */
    public static PeerRecord open(byte[] envelopeBytes) {
        return fromEnvelope(Envelope.open(envelopeBytes, DOMAIN));
    }

    /** The protobuf encoding (fields in number order, as every libp2p implementation writes them). */
    public byte[] encode() {
        EnvelopeProtos.PeerRecord.Builder b = EnvelopeProtos.PeerRecord.newBuilder()
                .setPeerId(ByteString.copyFrom(peerId.toBytes()))
                .setSeq(seq);
        for (byte[] a : addresses) {
            b.addAddresses(EnvelopeProtos.PeerRecord.AddressInfo.newBuilder().setMultiaddr(ByteString.copyFrom(a)));
        }
        return b.build().toByteArray();
    }

    /**
     * Signs this record into an envelope with {@code key}, which must be the key of {@link #peerId()}.
     *
     * @throws IllegalArgumentException if {@code key} does not belong to this record's peer
     */
    public Envelope seal(PrivateKey key) {
        if (!peerId.matches(key.publicKey())) {
            throw new IllegalArgumentException("key of " + key.peerId() + " cannot sign a peer record for " + peerId);
        }
        return Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, encode());
    }

    public PeerId peerId() {
        return peerId;
    }

    /** The sequence number, an unsigned 64-bit value. */
    public long seq() {
        return seq;
    }

    /** Whether this record's sequence number is higher (unsigned) than {@code other}'s. */
    public boolean isNewerThan(PeerRecord other) {
        return Long.compareUnsigned(seq, other.seq) > 0;
    }

    /** Number of addresses. */
    public int addressCount() {
        return addresses.length;
    }

    /** A copy of address {@code index} (binary multiaddr). */
    public byte[] address(int index) {
        return addresses[index].clone();
    }

    /** Copies of all addresses, in record order. */
    public List<byte[]> addresses() {
        List<byte[]> out = new ArrayList<>(addresses.length);
        for (byte[] a : addresses) {
            out.add(a.clone());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerRecord r && seq == r.seq && peerId.equals(r.peerId)
                && Arrays.deepEquals(addresses, r.addresses);
    }

    @Override
    public int hashCode() {
        return (peerId.hashCode() * 31 + Long.hashCode(seq)) * 31 + Arrays.deepHashCode(addresses);
    }

    @Override
    public String toString() {
        return "PeerRecord[" + peerId + ", seq=" + Long.toUnsignedString(seq) + ", " + addresses.length + " addresses]";
    }
}
