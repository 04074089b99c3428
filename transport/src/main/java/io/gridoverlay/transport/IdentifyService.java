package io.gridoverlay.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.PeerRecord;
import io.gridoverlay.transport.proto.IdentifyProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identify ({@code /ipfs/id/1.0.0}) and Identify push ({@code /ipfs/id/push/1.0.0}): tells peers our key,
 * listen addresses (also as a signed peer record), protocols and what address we see them at, and learns
 * the same from them into the peer store.
 *
 * <pre>
 * stream: ( uvarint(length) Identify-protobuf )*  then close; the reader merges the messages
 * </pre>
 */
final class IdentifyService {
    static final String ID = "/ipfs/id/1.0.0";
    static final String PUSH = "/ipfs/id/push/1.0.0";
    static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Most bytes accepted on one identify stream. */
    static final int MAX_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IdentifyService.class);

    private final Host host;

    IdentifyService(Host host) {
        this.host = host;
    }

    /** Whether {@code protocol} is Identify or Identify push (housekeeping streams the connection manager ignores). */
    static boolean isIdentifyProtocol(String protocol) {
        return ID.equals(protocol) || PUSH.equals(protocol);
    }

    void register() {
        host.setStreamHandler(ID, stream -> {
            stream.write(encode(stream.connection())).thenCompose(v -> stream.closeWrite());
            // a requester that never closes its side does not keep the stream for the connection's lifetime
            afterTimeout(stream, () -> {
                if (!stream.closeFuture().isDone()) {
                    stream.reset();
                }
            });
            return StreamHandler.discarding();
        });
        host.setStreamHandler(PUSH, stream -> {
            Reader reader = new Reader(stream.connection(), true);
            afterTimeout(stream, () -> reader.timeOut(stream));
            return reader;
        });
    }

    /** Runs identify on a new connection; completes {@link Connection#identified()}. */
    void identify(Connection c) {
        Reader reader = new Reader(c, false);
        c.newStream(ID, reader).whenComplete((s, e) -> {
            if (e != null) {
                c.identified.completeExceptionally(Host.translate(e));
            } else {
                afterTimeout(s, () -> reader.timeOut(s));
            }
        });
    }

    /**
     * Runs {@code action} on the stream's event loop once the identify exchange had the stream negotiation
     * timeout ({@link HostConfig#streamNegotiationTimeout()}) to finish, unless the stream closed before:
     * a peer that accepts an identify stream and then stays silent must not keep it, nor leave
     * {@link Connection#identified()} incomplete. Called on the event loop.
     */
    private void afterTimeout(Stream stream, Runnable action) {
        long millis = host.config().streamNegotiationTimeout().toMillis();
        io.netty.util.concurrent.ScheduledFuture<?> task = stream.connection().eventLoop()
                .schedule(action, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        stream.closeFuture().whenComplete((v, e) -> task.cancel(false));
    }

    /** Pushes our current state to every connected peer that speaks push. */
    void pushToAll() {
        for (Connection c : host.connections()) {
            if (!host.peerStore().protocols(c.remotePeer()).contains(PUSH)) {
                continue;
            }
            c.newStream(PUSH, StreamHandler.discarding()).thenAccept(s ->
                    s.write(encode(c)).thenCompose(v -> s.closeWrite()));
        }
    }

    ByteBuf encode(Connection c) {
        List<Multiaddr> addrs = announcedAddresses(host.listenAddresses());
        IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setAgentVersion(host.config().agentVersion())
                .setPublicKey(ByteString.copyFrom(host.identityKey().publicKey().encode()))
                .setObservedAddr(ByteString.copyFrom(c.remoteAddress().toBytes()))
                .addAllProtocols(new ArrayList<>(host.protocols()));
        List<byte[]> raw = new ArrayList<>();
        for (Multiaddr a : addrs) {
            b.addListenAddrs(ByteString.copyFrom(a.toBytes()));
            raw.add(a.toBytes());
        }
        PeerRecord record = PeerRecord.of(host.peerId(), System.currentTimeMillis() * 1000, raw);
        b.setSignedPeerRecord(ByteString.copyFrom(record.seal(host.identityKey()).toBytes()));
        byte[] msg = b.build().toByteArray();
        ByteBuf out = Unpooled.buffer(msg.length + 5);
        out.writeBytes(Varint.encode(msg.length));
        out.writeBytes(msg);
        return out;
    }

    /**
     * Decodes the bytes of one identify stream: length-prefixed Identify messages, merged as the spec says.
     *
     * @throws DecodingException on a bad length prefix, a truncated message or malformed protobuf
     */
    static IdentifyProtos.Identify decodeMessages(byte[] all) {
        if (all.length > MAX_BYTES) {
            throw new DecodingException("identify stream of " + all.length + " bytes exceeds " + MAX_BYTES);
        }
        IdentifyProtos.Identify.Builder merged = IdentifyProtos.Identify.newBuilder();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(all);
        while (in.hasRemaining()) {
            int len = Varint.readLength(in, MAX_BYTES);
            if (len > in.remaining()) {
                throw new DecodingException("identify message truncated: " + len + " bytes declared, "
                        + in.remaining() + " follow");
            }
            try {
                merged.mergeFrom(CodedInputStream.newInstance(all, in.position(), len));
            } catch (IOException e) {
                throw new DecodingException("malformed identify message: " + e.getMessage(), e);
            }
            in.position(in.position() + len);
        }
        return merged.build();
    }

    /** Bound addresses, with unspecified ones (0.0.0.0, ::) expanded into this machine's addresses. */
    static List<Multiaddr> announcedAddresses(List<Multiaddr> bound) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : bound) {
            String ip = a.components().get(0).valueText();
            if (!ip.equals("0.0.0.0") && !ip.equals("::")) {
                out.add(a);
                continue;
            }
            boolean v4 = ip.equals("0.0.0.0");
            String port = a.components().get(1).valueText();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!ni.isUp()) {
                        continue;
                    }
                    for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                        if ((ia instanceof Inet4Address) == v4 && !ia.isLinkLocalAddress()) {
                            String h = ia.getHostAddress();
                            int pct = h.indexOf('%');
                            out.add(Multiaddr.parse("/" + (v4 ? "ip4/" : "ip6/") + (pct >= 0 ? h.substring(0, pct) : h)
                                    + "/tcp/" + port));
                        }
                    }
                }
            } catch (SocketException e) {
                LOG.debug("cannot list network interfaces: {}", e.toString());
            }
        }
        return out;
    }

    /** Accumulates an identify stream and applies it when the peer closes its side. */
    private final class Reader implements StreamHandler {
        private final Connection connection;
        private final boolean push;
        private final ByteBuf buffer = Unpooled.buffer(1024);
        private boolean failed;
        private boolean applied;

        Reader(Connection connection, boolean push) {
            this.connection = connection;
            this.push = push;
        }

        @Override
        public void onData(Stream stream, ByteBuf data) {
            if (failed) {
                return;
            }
            if (buffer.readableBytes() + data.readableBytes() > MAX_BYTES) {
                fail(stream, "identify message from " + connection.remotePeer() + " exceeds " + MAX_BYTES + " bytes");
                return;
            }
            buffer.writeBytes(data);
        }

        /** The exchange ran out of time: fails it unless the peer's message was read already. */
        void timeOut(Stream stream) {
            if (!failed && !applied) {
                fail(stream, "identify" + (push ? " push" : "") + " with " + connection.remotePeer()
                        + " timed out after " + host.config().streamNegotiationTimeout().toMillis() + " ms");
            } else if (!stream.closeFuture().isDone()) {
                stream.reset(); // applied, but the peer never closed its side
            }
        }

        @Override
        public void onRemoteClose(Stream stream) {
            if (failed) {
                return;
            }
            applied = true;
            try {
                IdentifyInfo info = apply(parse());
                if (!push) {
                    connection.identified.complete(info);
                }
                host.firePeerIdentified(connection, info);
            } catch (DecodingException e) {
                fail(stream, "invalid identify message from " + connection.remotePeer() + ": " + e.getMessage());
                return;
            } finally {
                if (buffer.refCnt() > 0) { // fail() may have released it
                    buffer.release();
                }
            }
            // our side too, for a push as well: the stream is gone only once both sides closed (a push stream
            // left half-open stayed on both connections for their lifetime)
            stream.closeWrite();
        }

        @Override
        public void onReset(Stream stream) {
            // a peer may reset after its message was read and applied (the buffer is released by then)
            if (!failed && buffer.refCnt() > 0) {
                failed = true;
                buffer.release();
                connection.identified.completeExceptionally(
                        new TransportException("identify stream reset by " + connection.remotePeer()));
            }
        }

        private void fail(Stream stream, String message) {
            failed = true;
            if (buffer.refCnt() > 0) {
                buffer.release();
            }
            stream.reset();
            connection.identified.completeExceptionally(new TransportException(message));
        }

        private IdentifyProtos.Identify parse() {
            byte[] all = new byte[buffer.readableBytes()];
            buffer.readBytes(all);
            return decodeMessages(all);
        }

        private IdentifyInfo apply(IdentifyProtos.Identify m) {
            if (m.hasPublicKey()) {
                PublicKey key = PublicKey.decode(m.getPublicKey().toByteArray());
                if (!key.peerId().equals(connection.remotePeer())) {
                    throw new DecodingException("identify public key does not match the connection's peer");
                }
            }
            List<Multiaddr> listen = new ArrayList<>();
            for (ByteString a : m.getListenAddrsList()) {
                try {
                    listen.add(Multiaddr.fromBytes(a.toByteArray()));
                } catch (DecodingException e) {
                    LOG.debug("ignoring undecodable listen address from {}: {}", connection.remotePeer(), e.getMessage());
                }
            }
            Optional<PeerRecord> record = Optional.empty();
            if (m.hasSignedPeerRecord()) {
                PeerRecord r = PeerRecord.open(m.getSignedPeerRecord().toByteArray());
                if (!r.peerId().equals(connection.remotePeer())) {
                    throw new DecodingException("signed peer record is for another peer " + r.peerId());
                }
                record = Optional.of(r);
            }
            Optional<Multiaddr> observed = Optional.empty();
            if (m.hasObservedAddr()) {
                try {
                    observed = Optional.of(Multiaddr.fromBytes(m.getObservedAddr().toByteArray()));
                } catch (DecodingException e) {
                    LOG.debug("ignoring undecodable observed address from {}", connection.remotePeer());
                }
            }
            PeerStore store = host.peerStore();
            // the peer's own announcement replaces what was known (a merge let 230 pushes add 1.5 M addresses);
            // an address we dialled and that works stays
            List<Multiaddr> known = new ArrayList<>(listen);
            if (connection.direction() == Connection.Direction.OUTBOUND && !known.contains(connection.remoteAddress())) {
                known.add(0, connection.remoteAddress());
            }
            store.replaceAddresses(connection.remotePeer(), known, PeerStore.CONNECTED_TTL);
            store.setIdentified(connection.remotePeer(), connection.remotePublicKey(), m.getProtocolsList(),
                    m.getAgentVersion());
            return new IdentifyInfo(connection.remotePeer(), m.getProtocolVersion(), m.getAgentVersion(), listen,
                    observed, m.getProtocolsList(), record);
        }
    }
}
