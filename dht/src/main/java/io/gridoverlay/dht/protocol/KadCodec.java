package io.gridoverlay.dht.protocol;


import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.proto.DhtProto;
import io.gridoverlay.dht.protocol.KadProtocolException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kad messages ⇄ the libp2p {@code dht.proto} {@code Message}, with strict validation, and the stream
 * framing. Every request and every response is one frame:
 *
 * <pre>
 * +--------------------------+-------------------------------------------+
 * | length (unsigned varint, | Message (protobuf, length bytes):         |
 * | minimal, ≤ maxMessageSize)|  1 type  2 key  3 Record{1 key 2 value   |
 * |                          |  5 timeReceived}  8 closerPeers  9 provider|
 * |                          |  Peers (Peer{1 id 2 addrs* 3 connection}) |
 * |                          |  10 clusterLevelRaw (ignored)             |
 * +--------------------------+-------------------------------------------+
 * </pre>
 *
 * <p>Decoding rejects with a {@link KadProtocolException} a message that is not protobuf, has an unknown
 * type, a key or value over the {@link KadLimits}, lacks what its type needs (a key; the record of
 * PUT_VALUE, whose key must equal the message key), or — for a response — has another type than its
 * request, a GET_VALUE record under another key, or a PUT_VALUE echo with another value. Peers in
 * {@code closerPeers}/{@code providerPeers} are checked one by one: a peer with an invalid id is dropped,
 * an invalid address is dropped, and peers or addresses beyond the limits are dropped; none of that fails
 * the message. A trailing {@code /p2p/<the peer's own id>} is removed from an address (js-libp2p sends
 * provider addresses so), an address ending in another peer's {@code /p2p} is dropped, duplicates are
 * dropped. Fields a type does not use are ignored.
 *
 * <p>Immutable and thread-safe. Decoding costs O(message size); encoding allocates the output array once.
 */
public final class KadCodec {
    private static final Logger LOG = LoggerFactory.getLogger(KadCodec.class);

    private final KadLimits limits;

    public KadCodec(KadLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A codec with {@link KadLimits#defaults()}. */
    public static KadCodec withDefaults() {
        return new KadCodec(KadLimits.defaults());
    }

    public KadLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------ encoding

    /** The protobuf bytes of {@code request} (no length prefix). */
    public byte[] encodeRequest(KadRequest request) {
        return toProto(request).toByteArray();
    }

    /** The protobuf bytes of {@code response} (no length prefix). */
    public byte[] encodeResponse(KadResponse response) {
        return toProto(response).toByteArray();
    }

    /** {@code request} as one length-prefixed frame. @throws KadProtocolException if over maxMessageSize */
    public byte[] frameRequest(KadRequest request) {
        return frame(toProto(request));
    }

    /** {@code response} as one length-prefixed frame. @throws KadProtocolException if over maxMessageSize */
    public byte[] frameResponse(KadResponse response) {
        return frame(toProto(response));
    }

    /** Prefixes {@code message} with its varint length. @throws KadProtocolException if over maxMessageSize */
    public byte[] frame(byte[] message) {
        checkOutgoingSize(message.length);
        byte[] out = new byte[Varint.size(message.length) + message.length];
        int off = Varint.write(message.length, out, 0);
        System.arraycopy(message, 0, out, off, message.length);
        return out;
    }

    private byte[] frame(DhtProto.Message m) {
        int size = m.getSerializedSize();
        checkOutgoingSize(size);
        byte[] out = new byte[Varint.size(size) + size];
        int off = Varint.write(size, out, 0);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, off, size);
        try {
            m.writeTo(cos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cos.checkNoSpaceLeft();
        return out;
    }

    private void checkOutgoingSize(int size) {
        if (size > limits.maxMessageSize()) {
            throw new KadProtocolException(Kind.TOO_LARGE, "message of " + size
                    + " bytes exceeds the limit of " + limits.maxMessageSize());
        }
    }

    private static DhtProto.Message toProto(KadRequest request) {
        DhtProto.Message.Builder b = DhtProto.Message.newBuilder()
                .setTypeValue(request.type().number());
        if (request instanceof KadRequest.PutValue p) {
            b.setKey(ByteString.copyFrom(p.record().keyArray())).setRecord(toProto(p.record()));
        } else if (request instanceof KadRequest.AddProvider a) {
            b.setKey(ByteString.copyFrom(a.key()));
            a.providers().forEach(pi -> b.addProviderPeers(toProto(pi)));
        } else if (!(request instanceof KadRequest.Ping)) {
            b.setKey(ByteString.copyFrom(request.key()));
        }
        return b.build();
    }

    private static DhtProto.Message toProto(KadResponse response) {
        DhtProto.Message.Builder b = DhtProto.Message.newBuilder()
                .setTypeValue(response.type().number())
                .setKey(ByteString.copyFrom(response.keyArray()));
        response.record().ifPresent(r -> b.setRecord(toProto(r)));
        response.closerPeers().forEach(pi -> b.addCloserPeers(toProto(pi)));
        response.providers().forEach(pi -> b.addProviderPeers(toProto(pi)));
        return b.build();
    }

    private static DhtProto.Record toProto(KadRecord r) {
        return DhtProto.Record.newBuilder()
                .setKey(ByteString.copyFrom(r.keyArray()))
                .setValue(ByteString.copyFrom(r.valueArray()))
                .setTimeReceived(r.timeReceived())
                .build();
    }

    private static DhtProto.Message.Peer toProto(PeerInfo p) {
        DhtProto.Message.Peer.Builder b = DhtProto.Message.Peer.newBuilder()
                .setId(ByteString.copyFrom(p.peerId().toBytes()));
        for (Multiaddr a : p.addresses()) {
            b.addAddrs(ByteString.copyFrom(a.toBytes()));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes a request received by a server.
     *
     * @param message the frame payload (no length prefix)
     * @throws KadProtocolException if the message breaks a rule listed in the class comment
     */
    public KadRequest decodeRequest(byte[] message) {
        DhtProto.Message m = parse(message);
        MessageType type = typeOf(m);
        byte[] key = m.getKey().toByteArray();
        switch (type) {
            case PING:
                return new KadRequest.Ping();
            case FIND_NODE:
                checkKey(type, key, limits.maxKeyLength());
                return new KadRequest.FindNode(key);
            case GET_VALUE:
                checkKey(type, key, limits.maxKeyLength());
                return new KadRequest.GetValue(key);
            case GET_PROVIDERS:
                checkKey(type, key, limits.maxProviderKeyLength());
                return new KadRequest.GetProviders(key);
            case ADD_PROVIDER:
                checkKey(type, key, limits.maxProviderKeyLength());
                return new KadRequest.AddProvider(key, peers(m.getProviderPeersList(), "providerPeers"));
            case PUT_VALUE:
                checkKey(type, key, limits.maxKeyLength());
                if (!m.hasRecord()) {
                    throw new KadProtocolException(Kind.INVALID_FIELD, "PUT_VALUE without a record");
                }
                KadRecord record = record(m.getRecord());
                if (!record.keyEquals(key)) {
                    throw new KadProtocolException(Kind.INVALID_FIELD, "PUT_VALUE record key "
                            + KadTexts.key(record.keyArray()) + " differs from the message key " + KadTexts.key(key));
                }
                return new KadRequest.PutValue(record);
            default:
                throw new AssertionError(type);
        }
    }

    /**
     * Decodes the response to {@code request}.
     *
     * @param message the frame payload (no length prefix)
     * @throws KadProtocolException if the message breaks a rule listed in the class comment
     */
    public KadResponse decodeResponse(byte[] message, KadRequest request) {
        DhtProto.Message m = parse(message);
        MessageType type = typeOf(m);
        if (type != request.type()) {
            throw new KadProtocolException(Kind.UNEXPECTED_TYPE, "response of type " + type
                    + " to a " + request.type() + " request");
        }
        byte[] key = m.getKey().toByteArray();
        if (key.length > Math.max(limits.maxKeyLength(), limits.maxProviderKeyLength())) {
            throw new KadProtocolException(Kind.TOO_LARGE, type + " response key of " + key.length
                    + " bytes exceeds the limit");
        }
        Optional<KadRecord> record = Optional.empty();
        List<PeerInfo> closer = List.of();
        List<PeerInfo> providers = List.of();
        switch (type) {
            case FIND_NODE:
                closer = peers(m.getCloserPeersList(), "closerPeers");
                break;
            case GET_PROVIDERS:
                closer = peers(m.getCloserPeersList(), "closerPeers");
                providers = peers(m.getProviderPeersList(), "providerPeers");
                break;
            case GET_VALUE:
                closer = peers(m.getCloserPeersList(), "closerPeers");
                if (m.hasRecord()) {
                    KadRecord r = record(m.getRecord());
                    byte[] asked = request.key();
                    if (!r.keyEquals(asked)) {
                        throw new KadProtocolException(Kind.INVALID_FIELD, "GET_VALUE for "
                                + KadTexts.key(asked) + " answered with a record under " + KadTexts.key(r.keyArray()));
                    }
                    record = Optional.of(r);
                }
                break;
            case PUT_VALUE:
                KadRecord sent = ((KadRequest.PutValue) request).record();
                if (!m.hasRecord()) {
                    throw new KadProtocolException(Kind.INVALID_FIELD, "PUT_VALUE response without the record echo");
                }
                KadRecord echo = record(m.getRecord());
                if (!echo.keyEquals(sent.keyArray()) || !Arrays.equals(echo.valueArray(), sent.valueArray())) {
                    throw new KadProtocolException(Kind.INVALID_FIELD,
                            "PUT_VALUE response echoes another record than the one sent");
                }
                record = Optional.of(echo);
                break;
            case ADD_PROVIDER:
            case PING:
                break;
            default:
                throw new AssertionError(type);
        }
        return new KadResponse(type, key, record, closer, providers);
    }

    private DhtProto.Message parse(byte[] message) {
        if (message.length > limits.maxMessageSize()) {
            throw new KadProtocolException(Kind.TOO_LARGE, "message of " + message.length
                    + " bytes exceeds the limit of " + limits.maxMessageSize());
        }
        try {
            return DhtProto.Message.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new KadProtocolException(Kind.MALFORMED, "not a Kad protobuf message: " + e.getMessage(), e);
        }
    }

    private static MessageType typeOf(DhtProto.Message m) {
        return MessageType.ofNumber(m.getTypeValue());
    }

    private static void checkKey(MessageType type, byte[] key, int max) {
        if (key.length == 0) {
            throw new KadProtocolException(Kind.INVALID_FIELD, type + " with an empty key");
        }
        if (key.length > max) {
            throw new KadProtocolException(Kind.TOO_LARGE, type + " key of " + key.length
                    + " bytes exceeds the limit of " + max);
        }
    }

    private KadRecord record(DhtProto.Record r) {
        if (r.getKey().isEmpty()) {
            throw new KadProtocolException(Kind.INVALID_FIELD, "record with an empty key");
        }
        if (r.getKey().size() > limits.maxKeyLength()) {
            throw new KadProtocolException(Kind.TOO_LARGE, "record key of " + r.getKey().size()
                    + " bytes exceeds the limit of " + limits.maxKeyLength());
        }
        if (r.getValue().size() > limits.maxValueLength()) {
            throw new KadProtocolException(Kind.TOO_LARGE, "record value of " + r.getValue().size()
                    + " bytes exceeds the limit of " + limits.maxValueLength());
        }
        if (r.getTimeReceived().length() > KadLimits.MAX_TIME_RECEIVED_LENGTH) {
            throw new KadProtocolException(Kind.TOO_LARGE, "record timeReceived of " + r.getTimeReceived().length()
                    + " characters exceeds the limit of " + KadLimits.MAX_TIME_RECEIVED_LENGTH);
        }
        return new KadRecord(r.getKey().toByteArray(), r.getValue().toByteArray(), r.getTimeReceived());
    }

    /**
     * {@code addr} without a trailing {@code /p2p/<id>} of the peer itself (js-libp2p sends its addresses so in
     * ADD_PROVIDER; a dialer appends the id again), or null when it ends in another peer's {@code /p2p} (not an
     * address of this peer) or is nothing but {@code /p2p/<id>}. Relay addresses ({@code .../p2p-circuit}) pass.
     */
    private static Multiaddr transportAddress(PeerId id, Multiaddr addr) {
        List<Multiaddr.Component> cs = addr.components();
        if (cs.isEmpty()) {
            return null;
        }
        Multiaddr.Component last = cs.get(cs.size() - 1);
        if (last.protocol() != Protocol.P2P) {
            return addr;
        }
        if (!Arrays.equals(last.value(), id.toBytes())) {
            return null;
        }
        return addr.decapsulate(Protocol.P2P).orElse(null);
    }

    private List<PeerInfo> peers(List<DhtProto.Message.Peer> in, String field) {
        if (in.isEmpty()) {
            return List.of();
        }
        List<PeerInfo> out = new ArrayList<>(Math.min(in.size(), limits.maxPeersPerList()));
        for (DhtProto.Message.Peer p : in) {
            if (out.size() == limits.maxPeersPerList()) {
                LOG.debug("dropping {} {} beyond the limit of {}", in.size() - out.size(), field,
                        limits.maxPeersPerList());
                break;
            }
            PeerId id;
            try {
                id = PeerId.fromBytes(p.getId().toByteArray());
            } catch (DecodingException e) {
                LOG.debug("dropping a peer of {} with an invalid id: {}", field, e.getMessage());
                continue;
            }
            List<Multiaddr> addrs = new ArrayList<>(Math.min(p.getAddrsCount(), limits.maxAddressesPerPeer()));
            for (ByteString a : p.getAddrsList()) {
                if (addrs.size() == limits.maxAddressesPerPeer()) {
                    break;
                }
                Multiaddr addr;
                try {
                    addr = Multiaddr.fromBytes(a.toByteArray());
                } catch (DecodingException e) {
                    LOG.debug("dropping an invalid address of {} in {}: {}", id, field, e.getMessage());
                    continue;
                }
                Multiaddr transport = transportAddress(id, addr);
                if (transport == null) {
                    LOG.debug("dropping address {} of {} in {}: it names another peer", addr, id, field);
                } else if (!addrs.contains(transport)) {
                    addrs.add(transport);
                }
            }
            out.add(new PeerInfo(id, addrs));
        }
        return out;
    }
}
