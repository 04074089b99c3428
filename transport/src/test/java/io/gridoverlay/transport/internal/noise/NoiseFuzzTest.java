package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.noise.NoiseException;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of the Noise decoders: the libp2p handshake payload and the responder's processing of
 * an arbitrary first handshake message. Without JAZZER_FUZZ each replays its corpus in
 * src/test/resources/.../NoiseFuzzTestInputs/&lt;method&gt;. Rejection must be a {@link HandshakeException}.
 */
class NoiseFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void handshakePayload(byte[] data) {
        try {
            NoisePayload p = NoisePayload.decode(data);
            assertThat(p.identityKey()).isNotEmpty();
            assertThat(p.identitySignature()).isNotEmpty();
            NoisePayload again = NoisePayload.decode(p.encode());
            assertThat(again.identityKey()).isEqualTo(p.identityKey());
            assertThat(again.streamMuxers()).isEqualTo(p.streamMuxers());
        } catch (HandshakeException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void responderReadsArbitraryFirstMessage(byte[] data) {
        NoiseHandshake resp = NoiseHandshake.responder(CONFIG);
        try {
            resp.readMessage(data);
            assertThat(data.length).isGreaterThanOrEqualTo(32);
            assertThat(resp.writeMessage()).hasSizeGreaterThan(32 + 48);
        } catch (HandshakeException expected) {
            // typed rejection (short message or low-order ephemeral key)
        }
    }

    /**
     * The native (in-place) transport-frame reader, script-driven: byte 0 chooses raw mode (the rest is the
     * wire, arbitrary bytes) or framed mode (each 3 bytes: a plaintext length of 0..65519, sealed with the
     * right key, and a flag to corrupt it); byte 1 and each later split byte choose the read sizes, 1-byte
     * reads included. Whole valid frames must decode to their plaintext, anything else must end in a
     * {@link NoiseException}, and every buffer must be freed. Runs with the Java back end's reader too
     * when Conscrypt is absent (then it checks that path).
     */
    @FuzzTest(maxDuration = "60s")
    void transportFramesReadInAnySplit(byte[] data) {
        if (data.length < 2) {
            return;
        }
        NoiseCipherBackend backend = NoiseCipherBackend.CONSCRYPT.isAvailable()
                ? NoiseCipherBackend.CONSCRYPT : NoiseCipherBackend.FAST;
        byte[] key = new byte[32];
        key[0] = 7;
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        boolean corrupt = false;
        if ((data[0] & 1) == 1) {
            wire.write(data, 2, data.length - 2);
            corrupt = true;
        } else {
            CipherState enc = NoiseCipherBackend.FAST.newCipherState(key);
            for (int i = 2; i + 2 < data.length && wire.size() < 300_000; i += 3) {
                int len = ((data[i] & 0xFF) << 8 | (data[i + 1] & 0xFF)) % (NoiseFrameCodec.MAX_PLAINTEXT + 1);
                byte[] p = new byte[len];
                java.util.Arrays.fill(p, (byte) i);
                byte[] c = new byte[len + CipherState.TAG_LENGTH];
                enc.encrypt(p, 0, len, c, 0);
                if ((data[i + 2] & 0x80) != 0) {
                    c[(data[i + 2] & 0x7F) % c.length] ^= 1;
                    corrupt = true;
                }
                plain.writeBytes(p);
                wire.write(c.length >>> 8);
                wire.write(c.length);
                wire.writeBytes(c);
            }
        }
        io.netty.buffer.UnpooledByteBufAllocator alloc = new io.netty.buffer.UnpooledByteBufAllocator(true, false);
        java.util.List<Throwable> errors = new java.util.ArrayList<>();
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new NoiseFrameCodec(new NoiseSession(null, backend.newCipherState(key),
                backend.newCipherState(key))), new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                        errors.add(cause);
                    }
                });
        byte[] w = wire.toByteArray();
        java.util.List<io.netty.buffer.ByteBuf> reads = new java.util.ArrayList<>();
        int step = (data[1] & 0xFF) == 0 ? 70_000 : (data[1] & 0xFF) * (data[1] > 0 ? 1 : 300);
        for (int off = 0, i = 2; off < w.length && ch.isOpen(); i++) {
            int n = Math.min(Math.max(1, i < data.length && (data[i] & 3) == 0 ? (data[i] & 0xFF) >>> 2 : step),
                    w.length - off);
            io.netty.buffer.ByteBuf read = io.netty.buffer.Unpooled.directBuffer(n).writeBytes(w, off, n);
            reads.add(read);
            ch.writeInbound(read);
            off += n;
        }
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        for (io.netty.buffer.ByteBuf b; (b = ch.readInbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            got.writeBytes(bytes);
            b.release();
        }
        ch.finishAndReleaseAll();
        assertThat(errors).allMatch(e -> e instanceof NoiseException);
        byte[] expected = plain.toByteArray();
        if (!corrupt) {
            assertThat(got.toByteArray()).isEqualTo(expected);
            assertThat(errors).isEmpty();
        } else if (expected.length > 0) {
            assertThat(got.size()).isLessThanOrEqualTo(expected.length);
            assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOf(expected, got.size()));
        }
        assertThat(reads).allMatch(b -> b.refCnt() == 0);
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    private static final NoiseConfig CONFIG = TestIdentities.config(new TestIdentities.Ed25519Identity(), "/yamux/1.0.0");
}
