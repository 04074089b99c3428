package io.gridoverlay.transport.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.SocketAddress;
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
 * plaintext bytes and encrypted into one pre-sized buffer per write; inbound frames are decrypted
 * into one buffer each and passed on. With a native cipher back end ({@link CipherState#prefersDirectBuffers()})
 * both directions work on direct buffers, so bytes go from the socket buffer through the cipher and back
 * without a copy into the Java heap (a frame split across buffer components is first gathered into one
 * reused direct scratch buffer); with a Java back end they work on heap arrays. Any split of the input across reads decodes the same. A frame
 * failing authentication, shorter than the tag, or an exhausted nonce fires a {@link NoiseException}
 * and closes the channel. The cipher objects are created once per connection and reused. Not
 * thread-safe: all methods run on the channel's event loop.
 */
public final class NoiseFrameCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
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
    private boolean failed;

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
        while (in.readableBytes() >= HEADER) {
            int start = in.readerIndex();
            int len = in.getUnsignedShort(start);
            if (len < CipherState.TAG_LENGTH) {
                fail(ctx, in, new NoiseException("Noise frame of " + len + " bytes is shorter than the 16-byte tag"));
                return;
            }
            if (in.readableBytes() < HEADER + len) {
                return;
            }
            if (direct) {
                if (!decodeDirect(ctx, in, start, len, out)) {
                    return;
                }
                continue;
            }
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

    /** Decrypts the frame body at {@code in[start + 2, + len)} into a direct buffer; false once failed. */
    private boolean decodeDirect(ChannelHandlerContext ctx, ByteBuf in, int start, int len, List<Object> out) {
        ByteBuf plain = ctx.alloc().directBuffer(len - CipherState.TAG_LENGTH);
        try {
            ByteBuffer src = contiguous(in, start + HEADER, len);
            int n = decryptor.decrypt(src, plain.nioBuffer(0, len - CipherState.TAG_LENGTH));
            plain.writerIndex(n);
            in.readerIndex(start + HEADER + len);
            if (n > 0) {
                out.add(plain);
                plain = null;
            }
            return true;
        } catch (NoiseException e) {
            fail(ctx, in, e);
            return false;
        } catch (RuntimeException e) {
            fail(ctx, in, new NoiseException("Noise frame decryption failed: " + e, e));
            return false;
        } finally {
            if (plain != null) {
                plain.release();
            }
        }
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
            buf.release();
            if (encrypted != null) {
                encrypted.release();
            }
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
            ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

}
