package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.NoiseException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encrypts outbound and decrypts inbound bytes with the transport ciphers of a completed Noise
 * handshake, in libp2p's framing:
 *
 * <pre>
 * +-------------------+------------------------------------------+
 * | length (u16, BE)  | ChaCha20-Poly1305 ciphertext || 16 B tag  |
 * +-------------------+------------------------------------------+
 *   length = plaintext length + 16, at most 65535
 * </pre>
 *
 * <p>Outbound {@link ByteBuf}s of any size are split into frames of at most {@link #MAX_PLAINTEXT}
 * plaintext bytes and encrypted into one pre-sized buffer per write. With a native cipher back end
 * ({@link CipherState#prefersDirectBuffers()}) both directions work on direct buffers: outbound plaintext
 * is sealed from the caller's buffer (gathered first into a reused scratch buffer only when it spans
 * several components) into the output buffer; inbound frames are
 * opened inside the socket's read buffer and passed on as retained slices of it (only a frame split
 * across reads is first gathered into a buffer of exactly its size; a read that is not a private, writable,
 * single direct buffer is copied into one first). With a Java back end frames are decrypted
 * into one heap buffer each. Any split of the input across reads decodes the same. A frame
 * failing authentication, shorter than the tag, or an exhausted nonce fires a {@link NoiseException}
 * and closes the channel. The cipher objects are created once per connection and reused. Not
 * thread-safe: all methods run on the channel's event loop.
 */
public final class NoiseFrameCodec extends ByteToMessageDecoder implements OutboundPassThrough {
    /** Largest frame body (ciphertext plus tag). */
    public static final int MAX_FRAME_LENGTH = 65535;
    /** Largest plaintext per frame: 65535 - 16. */
    public static final int MAX_PLAINTEXT = MAX_FRAME_LENGTH - CipherState.TAG_LENGTH;
    private static final int HEADER = 2;

    private final CipherState encryptor;
    private final CipherState decryptor;
    private final boolean direct;
    private byte[] scratch;
    private ByteBuf directScratch;
    /** Direct path: a frame split across reads, header included, until it is whole. */
    private ByteBuf partial;
    private boolean failed;
    /** Direct path: whether a frame was passed on since the last {@code channelReadComplete}. */
    private boolean firedSinceReadComplete;

    /** A codec using the ciphers of {@code session}. */
    public NoiseFrameCodec(NoiseSession session) {
        this.encryptor = session.encryptor();
        this.decryptor = session.decryptor();
        this.direct = encryptor.prefersDirectBuffers() && decryptor.prefersDirectBuffers();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int len;
        while ((len = nextFrameLength(ctx, in)) >= 0) {
            int start = in.readerIndex();
            ByteBuf plain = ctx.alloc().heapBuffer(len - CipherState.TAG_LENGTH);
            try {
                byte[] src;
                int srcOff;
                if (in.hasArray()) {
                    src = in.array();
                    srcOff = in.arrayOffset() + start + HEADER;
                } else {
                    src = scratch();
                    srcOff = 0;
                    in.getBytes(start + HEADER, src, 0, len);
                }
                int n = decryptor.decrypt(src, srcOff, len, plain.array(), plain.arrayOffset() + plain.writerIndex());
                plain.writerIndex(plain.writerIndex() + n);
                in.readerIndex(start + HEADER + len);
                if (n > 0) {
                    out.add(plain);
                    plain = null;
                }
            } catch (NoiseException e) {
                fail(ctx, in, e);
                return;
            } catch (RuntimeException e) {
                fail(ctx, in, new NoiseException("Noise frame decryption failed: " + e, e));
                return;
            } finally {
                if (plain != null) {
                    plain.release();
                }
            }
        }
    }

    /**
     * With a native back end, reads bypass the cumulation of {@link ByteToMessageDecoder}: every whole frame
     * inside the socket's (direct) read buffer is decrypted in place and passed on as a retained slice of
     * that buffer, so plaintext is neither allocated nor copied per frame. Only a frame split across reads
     * is gathered, into a buffer of exactly its own size ({@link #partial}), and decrypted in place there.
     * A read that is not a private, writable, single direct buffer is first copied into one. Once this
     * handler is removed (the pipeline torn down while it passes frames on) the rest of the read is dropped.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!direct || !(msg instanceof ByteBuf)) {
            super.channelRead(ctx, msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        try {
            if (failed || ctx.isRemoved()) {
                return;
            }
            if (!in.isDirect() || in.nioBufferCount() != 1 || in.isReadOnly() || in.refCnt() != 1) {
                ByteBuf copy = ctx.alloc().directBuffer(in.readableBytes());
                copy.writeBytes(in);
                in.release();
                in = copy;
            }
            if (partial != null && !completePartial(ctx, in)) {
                return;
            }
            int len;
            while ((len = nextFrameLength(ctx, in)) >= 0) {
                int start = in.readerIndex();
                int n = decryptInPlace(ctx, in, start + HEADER, len);
                if (n < 0) {
                    return;
                }
                in.readerIndex(start + HEADER + len);
                if (n > 0) {
                    firedSinceReadComplete = true;
                    ctx.fireChannelRead(in.retainedSlice(start + HEADER, n));
                    if (failed || ctx.isRemoved()) {
                        return; // a write failed, or the pipeline was torn down, while the frame was handled
                    }
                }
            }
            if (in.isReadable()) {
                // sized to the frame once its header is known, so that its slices pin no more than the frame
                int need = in.readableBytes() >= HEADER ? HEADER + in.getUnsignedShort(in.readerIndex()) : HEADER;
                partial = ctx.alloc().directBuffer(need, HEADER + MAX_FRAME_LENGTH);
                partial.writeBytes(in);
            }
        } finally {
            in.release();
        }
    }

    /**
     * Moves bytes from {@code in} into the split frame in {@link #partial}; once it is whole, decrypts it and
     * passes it on. Returns whether the caller should go on reading frames from {@code in}.
     */
    private boolean completePartial(ChannelHandlerContext ctx, ByteBuf in) {
        if (partial.readableBytes() < HEADER) {
            partial.writeBytes(in, Math.min(HEADER - partial.readableBytes(), in.readableBytes()));
            if (partial.readableBytes() < HEADER) {
                return false;
            }
        }
        int len = partial.getUnsignedShort(partial.readerIndex());
        if (len < CipherState.TAG_LENGTH) {
            fail(ctx, in, shortFrame(len));
            return false;
        }
        if (partial.capacity() < HEADER + len) {
            partial.capacity(HEADER + len);
        }
        int missing = HEADER + len - partial.readableBytes();
        partial.writeBytes(in, Math.min(missing, in.readableBytes()));
        if (partial.readableBytes() < HEADER + len) {
            return false;
        }
        ByteBuf frame = partial;
        partial = null;
        try {
            int n = decryptInPlace(ctx, in, frame.readerIndex() + HEADER, len, frame);
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                firedSinceReadComplete = true;
                ctx.fireChannelRead(frame.retainedSlice(frame.readerIndex() + HEADER, n));
            }
        } finally {
            frame.release();
        }
        return !failed && !ctx.isRemoved();
    }

    /**
     * As {@link ByteToMessageDecoder} does for its own reads: with auto-read off, a read that completed no
     * frame asks for the next one, since no handler after this one saw anything that would make it ask.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (direct && !firedSinceReadComplete && !failed && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        firedSinceReadComplete = false;
        super.channelReadComplete(ctx);
    }

    private int decryptInPlace(ChannelHandlerContext ctx, ByteBuf in, int index, int len) {
        return decryptInPlace(ctx, in, index, len, in);
    }

    /**
     * Decrypts {@code buf[index, index + len)} in place (BoringSSL allows an exact alias of input and
     * output); returns the plaintext length, or -1 after failing the channel ({@code in} is the read buffer
     * to drain then).
     */
    private int decryptInPlace(ChannelHandlerContext ctx, ByteBuf in, int index, int len, ByteBuf buf) {
        try {
            ByteBuffer region = buf.nioBuffer(index, len);
            return decryptor.decrypt(region, region.duplicate());
        } catch (NoiseException e) {
            fail(ctx, in, e);
            return -1;
        } catch (RuntimeException e) {
            fail(ctx, in, new NoiseException("Noise frame decryption failed: " + e, e));
            return -1;
        }
    }

    /**
     * The body length of the frame at {@code in}'s reader index when all of it is readable; -1 when more
     * bytes are needed; -1 also when the length is shorter than the tag, after failing the channel and
     * draining {@code in} (so no leftover bytes are kept).
     */
    private int nextFrameLength(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < HEADER) {
            return -1;
        }
        int len = in.getUnsignedShort(in.readerIndex());
        if (len < CipherState.TAG_LENGTH) {
            fail(ctx, in, shortFrame(len));
            return -1;
        }
        return in.readableBytes() < HEADER + len ? -1 : len;
    }

    private static NoiseException shortFrame(int len) {
        return new NoiseException("Noise frame of " + len + " bytes is shorter than the 16-byte tag");
    }

    /**
     * {@code buf[index, index + len)} as one direct {@link ByteBuffer}: a view when the bytes lie in one
     * direct component, else a copy into the reused direct scratch buffer (valid until the next call).
     */
    private ByteBuffer contiguous(ByteBuf buf, int index, int len) {
        if (buf.isDirect() && buf.nioBufferCount() == 1) {
            return buf.nioBuffer(index, len);
        }
        if (buf.nioBufferCount() > 1) {
            ByteBuffer[] parts = buf.nioBuffers(index, len);
            if (parts.length == 1 && parts[0].isDirect()) {
                return parts[0];
            }
        }
        if (directScratch == null) {
            directScratch = Unpooled.directBuffer(MAX_FRAME_LENGTH, MAX_FRAME_LENGTH);
        }
        ByteBuffer copy = directScratch.nioBuffer(0, len);
        buf.getBytes(index, copy);
        copy.flip();
        return copy;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (directScratch != null) {
            directScratch.release();
            directScratch = null;
        }
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[MAX_FRAME_LENGTH];
        }
        return scratch;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, NoiseException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        if (partial != null) {
            partial.release(); // nothing is read after a failure
            partial = null;
        }
        ctx.fireExceptionCaught(e);
        ctx.close();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        ByteBuf encrypted = null;
        boolean nonceUsed = false;
        try {
            if (failed) {
                throw new NoiseException("Noise channel failed earlier; not writing");
            }
            int total = buf.readableBytes();
            if (total == 0) {
                ctx.write(buf.retain(), promise);
                return;
            }
            int frames = (total + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT;
            if (direct) {
                encrypted = ctx.alloc().directBuffer(total + frames * (HEADER + CipherState.TAG_LENGTH));
                int base = buf.readerIndex();
                for (int done = 0; done < total; ) {
                    int chunk = Math.min(MAX_PLAINTEXT, total - done);
                    int w = encrypted.writerIndex();
                    encrypted.writeShort(chunk + CipherState.TAG_LENGTH);
                    // Not sealed in place: Conscrypt copies an input that overlaps the output to a temporary
                    // buffer first, so gathering into a reused scratch buffer is one copy fewer.
                    int n = encryptor.encrypt(contiguous(buf, base + done, chunk),
                            encrypted.nioBuffer(w + HEADER, chunk + CipherState.TAG_LENGTH));
                    nonceUsed = true;
                    encrypted.writerIndex(w + HEADER + n);
                    done += chunk;
                }
                ctx.write(encrypted, promise);
                encrypted = null;
                return;
            }
            encrypted = ctx.alloc().heapBuffer(total + frames * (HEADER + CipherState.TAG_LENGTH));
            byte[] src;
            int srcOff;
            if (buf.hasArray()) {
                src = buf.array();
                srcOff = buf.arrayOffset() + buf.readerIndex();
            } else {
                src = total <= MAX_FRAME_LENGTH ? scratch() : new byte[total];
                srcOff = 0;
                buf.getBytes(buf.readerIndex(), src, 0, total);
            }
            byte[] dst = encrypted.array();
            int dstOff = encrypted.arrayOffset();
            int w = 0;
            for (int done = 0; done < total; ) {
                int chunk = Math.min(MAX_PLAINTEXT, total - done);
                int frameLen = chunk + CipherState.TAG_LENGTH;
                dst[dstOff + w] = (byte) (frameLen >>> 8);
                dst[dstOff + w + 1] = (byte) frameLen;
                w += HEADER;
                w += encryptor.encrypt(src, srcOff + done, chunk, dst, dstOff + w);
                nonceUsed = true;
                done += chunk;
            }
            encrypted.writerIndex(w);
            ctx.write(encrypted, promise);
            encrypted = null;
        } catch (RuntimeException e) {
            if (!(e instanceof NoiseException) && !nonceUsed) {
                throw e; // nothing was encrypted: the write fails, the connection stays usable
            }
            // Frames of this write may have consumed nonces without reaching the wire: every later frame
            // would fail authentication at the peer, so the connection cannot go on.
            NoiseException failure = e instanceof NoiseException ne ? ne : new NoiseException(
                    "Noise write failed after encrypting part of it; the send nonce is out of step: " + e, e);
            failed = true;
            promise.tryFailure(failure);
            ctx.fireExceptionCaught(failure);
            ctx.close();
        } finally {
            if (encrypted != null) {
                encrypted.release();
            }
            buf.release();
        }
    }

}
