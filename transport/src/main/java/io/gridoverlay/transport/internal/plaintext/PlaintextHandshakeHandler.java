package io.gridoverlay.transport.internal.plaintext;

import io.gridoverlay.transport.plaintext.PlaintextHandshakeException;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.transport.proto.PlaintextProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the {@code /plaintext/2.0.0} exchange (libp2p/specs plaintext): each side sends its peer id and
 * public key once, checks the other's, and the connection continues unencrypted.
 *
 * <pre>
 * | uvarint length (≤ 4096) | Exchange { bytes id = 1; PublicKey pubkey = 2; } (length bytes) |
 * </pre>
 *
 * <p>Both sides write at once (no round trip before sending). The received message must carry a public
 * key that {@link PublicKey#decode decodes} strictly and an id equal to that key's peer id; a dialer that
 * knows whom it dialled also checks the id against it. {@link #result()} completes on the event loop with
 * the remote's key <em>before</em> this handler leaves the pipeline, so a stage attached with a non-async
 * method can add the next handler and receive any bytes the remote pipelined after its exchange message.
 * On failure the future completes exceptionally with {@link PlaintextHandshakeException}, the exception
 * is fired down the pipeline and the channel is closed. <strong>Insecure</strong>: for benchmarks and
 * tests only. The caller bounds the exchange in time (the host's upgrade timeout). Not thread-safe; one
 * instance per channel.
 */
public final class PlaintextHandshakeHandler extends ByteToMessageDecoder {
    /** The protocol id negotiated by multistream-select. */
    public static final String PROTOCOL = "/plaintext/2.0.0";
    /** Largest exchange message accepted: an RSA-8192 key is about 1.1 KB. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

    private final PublicKey localKey;
    private final PeerId expectedRemote;
    private final CompletableFuture<PublicKey> result = new CompletableFuture<>();
    private boolean sent;
    private boolean done;

    private PlaintextHandshakeHandler(PublicKey localKey, PeerId expectedRemote) {
        this.localKey = Objects.requireNonNull(localKey, "localKey");
        this.expectedRemote = expectedRemote;
    }

    /** A dialer's handler; {@code expectedRemote} may be {@code null} to accept any peer. */
    public static PlaintextHandshakeHandler initiator(PublicKey localKey, PeerId expectedRemote) {
        return new PlaintextHandshakeHandler(localKey, expectedRemote);
    }

    /** A listener's handler. */
    public static PlaintextHandshakeHandler responder(PublicKey localKey) {
        return new PlaintextHandshakeHandler(localKey, null);
    }

    /** Completes with the remote's verified public key, or exceptionally with {@link PlaintextHandshakeException}. */
    public CompletableFuture<PublicKey> result() {
        return result;
    }

    /** The length-prefixed exchange message announcing {@code key}. */
    public static byte[] exchangeMessage(PublicKey key) {
        byte[] body = PlaintextProtos.Exchange.newBuilder()
                .setId(ByteString.copyFrom(key.peerId().toBytes()))
                .setPubkey(ByteString.copyFrom(key.encode()))
                .build().toByteArray();
        byte[] out = new byte[Varint.size(body.length) + body.length];
        int n = Varint.write(body.length, out, 0);
        System.arraycopy(body, 0, out, n, body.length);
        return out;
    }

    /**
     * Decodes one exchange message body (without its length prefix) and checks that its id is its key's.
     *
     * @throws PlaintextHandshakeException naming what is missing or wrong
     */
    public static PublicKey parseExchange(byte[] body) {
        PlaintextProtos.Exchange m;
        try {
            m = PlaintextProtos.Exchange.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new PlaintextHandshakeException("malformed plaintext exchange message: " + e.getMessage(), e);
        }
        if (!m.hasPubkey() || m.getPubkey().isEmpty()) {
            throw new PlaintextHandshakeException("plaintext exchange message has no public key");
        }
        if (!m.hasId() || m.getId().isEmpty()) {
            throw new PlaintextHandshakeException("plaintext exchange message has no peer id");
        }
        PublicKey key;
        try {
            key = PublicKey.decode(m.getPubkey().toByteArray());
        } catch (IllegalArgumentException e) { // DecodingException is one
            throw new PlaintextHandshakeException("plaintext exchange public key is invalid: " + e.getMessage(), e);
        }
        if (!Arrays.equals(key.peerId().toBytes(), m.getId().toByteArray())) {
            throw new PlaintextHandshakeException("plaintext exchange id does not match its public key ("
                    + key.peerId() + ")");
        }
        return key;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            send(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        send(ctx);
        super.channelActive(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
        if (!sent) {
            sent = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(exchangeMessage(localKey))).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, new PlaintextHandshakeException("could not send the plaintext exchange message",
                            f.cause()));
                }
            });
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (result.isDone() && !result.isCompletedExceptionally()) {
                out.add(in.readRetainedSlice(in.readableBytes()));
            } else {
                in.skipBytes(in.readableBytes());
            }
            return;
        }
        int start = in.readerIndex();
        long length = 0;
        int shift = 0;
        int i = start;
        while (true) {
            if (i >= in.writerIndex()) {
                return; // the varint is not complete yet
            }
            int b = in.getUnsignedByte(i++);
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && i - start > 1) {
                    fail(ctx, in, new PlaintextHandshakeException("plaintext exchange length is not minimally encoded"));
                    return;
                }
                break;
            }
            shift += 7;
            if (shift > 14 || length > MAX_MESSAGE_LENGTH) {
                fail(ctx, in, new PlaintextHandshakeException("plaintext exchange message longer than "
                        + MAX_MESSAGE_LENGTH + " bytes"));
                return;
            }
        }
        if (length > MAX_MESSAGE_LENGTH) {
            fail(ctx, in, new PlaintextHandshakeException("plaintext exchange message of " + length
                    + " bytes is longer than " + MAX_MESSAGE_LENGTH + " bytes"));
            return;
        }
        if (in.writerIndex() - i < length) {
            return;
        }
        byte[] body = new byte[(int) length];
        in.getBytes(i, body);
        in.readerIndex(i + (int) length);
        PublicKey remote;
        try {
            remote = parseExchange(body);
        } catch (PlaintextHandshakeException e) {
            fail(ctx, in, e);
            return;
        }
        if (expectedRemote != null && !expectedRemote.equals(remote.peerId())) {
            fail(ctx, in, new PlaintextHandshakeException("dialled " + expectedRemote + " but the remote is "
                    + remote.peerId()));
            return;
        }
        done = true;
        result.complete(remote);
        ctx.pipeline().remove(this); // forwards bytes pipelined after the exchange to the next handler
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!done) {
            done = true;
            result.completeExceptionally(new PlaintextHandshakeException("connection closed during the plaintext exchange"));
        }
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, PlaintextHandshakeException e) {
        in.skipBytes(in.readableBytes());
        fail(ctx, e);
    }

    private void fail(ChannelHandlerContext ctx, PlaintextHandshakeException e) {
        if (done) {
            return;
        }
        done = true;
        result.completeExceptionally(e);
        ctx.fireExceptionCaught(e);
        ctx.close();
    }
}
