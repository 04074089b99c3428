package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.noise.NoiseException;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.internal.noise.TestIdentities.Ed25519Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two EmbeddedChannels wired back to back, pumping bytes between them. */
class NoiseHandlerTest {
    private final Ed25519Identity alice = new Ed25519Identity();
    private final Ed25519Identity bob = new Ed25519Identity();
    private final List<Throwable> errorsA = new ArrayList<>();
    private final List<Throwable> errorsB = new ArrayList<>();
    private EmbeddedChannel a;
    private EmbeddedChannel b;

    /** Records exceptions reaching the end of the pipeline. */
    private static ChannelInboundHandlerAdapter errorSink(List<Throwable> sink) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                sink.add(cause);
            }
        };
    }

    private NoiseHandshakeHandler[] connect(byte[] expected) {
        NoiseHandshakeHandler init = NoiseHandshakeHandler.initiator(TestIdentities.config(alice, "/yamux/1.0.0"), expected);
        NoiseHandshakeHandler resp = NoiseHandshakeHandler.responder(TestIdentities.config(bob, "/yamux/1.0.0"));
        a = new EmbeddedChannel(init, errorSink(errorsA));
        b = new EmbeddedChannel(resp, errorSink(errorsB));
        return new NoiseHandshakeHandler[] {init, resp};
    }

    /** Moves outbound bytes each way until neither side writes anything. */
    static void pump(EmbeddedChannel x, EmbeddedChannel y) {
        boolean moved = true;
        while (moved) {
            moved = transfer(x, y) | transfer(y, x);
        }
    }

    static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object o; (o = from.readOutbound()) != null; ) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(o);
            } else {
                ((ByteBuf) o).release();
            }
        }
        return moved;
    }

    static byte[] readAll(EmbeddedChannel ch) {
        ByteBuf acc = Unpooled.buffer();
        try {
            for (ByteBuf m; (m = ch.readInbound()) != null; ) {
                acc.writeBytes(m);
                m.release();
            }
            byte[] out = new byte[acc.readableBytes()];
            acc.readBytes(out);
            return out;
        } finally {
            acc.release();
        }
    }

    @AfterEach
    void close() {
        if (a != null) {
            a.finishAndReleaseAll();
        }
        if (b != null) {
            b.finishAndReleaseAll();
        }
    }

    @Test
    void handshakeThenDataBothWays() {
        NoiseHandshakeHandler[] h = connect(bob.encodedPublicKey());
        pump(a, b);
        assertThat(h[0].result()).isCompleted();
        assertThat(h[1].result()).isCompleted();
        assertThat(h[0].result().join().remoteIdentityKey()).isEqualTo(bob.encodedPublicKey());
        assertThat(h[1].result().join().remoteStreamMuxers()).containsExactly("/yamux/1.0.0");
        assertThat(a.pipeline().get(NoiseFrameCodec.class)).isNotNull();
        assertThat(a.pipeline().get(NoiseHandshakeHandler.class)).isNull();
        assertThat(b.pipeline().get(NoiseFrameCodec.class)).isNotNull();

        byte[] big = new byte[3 * NoiseFrameCodec.MAX_PLAINTEXT + 123];
        new Random(1).nextBytes(big);
        a.writeAndFlush(Unpooled.wrappedBuffer(big));
        b.writeAndFlush(Unpooled.directBuffer().writeBytes("pong".getBytes()));
        pump(a, b);
        assertThat(readAll(b)).isEqualTo(big);
        assertThat(readAll(a)).isEqualTo("pong".getBytes());
        assertThat(errorsA).isEmpty();
        assertThat(errorsB).isEmpty();
    }

    @Test
    void largeWriteIsSplitIntoMaximalFrames() {
        connect(null);
        pump(a, b);
        a.writeAndFlush(Unpooled.wrappedBuffer(new byte[NoiseFrameCodec.MAX_PLAINTEXT + 1]));
        ByteBuf wire = a.readOutbound();
        try {
            assertThat(wire.getUnsignedShort(0)).isEqualTo(65535);
            int second = 2 + 65535;
            assertThat(wire.getUnsignedShort(second)).isEqualTo(1 + 16);
            assertThat(wire.readableBytes()).isEqualTo(2 + 65535 + 2 + 17);
        } finally {
            wire.release();
        }
    }

    @Test
    void dataPipelinedAfterTheLastHandshakeMessageIsDelivered() {
        NoiseHandshakeHandler[] h = connect(null);
        // Dialer side: as soon as the handshake completes, send application data in the same flush.
        h[0].result().thenAccept(r -> a.writeAndFlush(Unpooled.wrappedBuffer("early".getBytes())));
        transfer(a, b); // msg1
        transfer(b, a); // msg2; a writes msg3 and then "early"
        ByteBuf combined = Unpooled.buffer();
        for (ByteBuf m; (m = a.readOutbound()) != null; ) {
            combined.writeBytes(m);
            m.release();
        }
        b.writeInbound(combined); // msg3 and the first transport frame in one read
        assertThat(h[1].result()).isCompleted();
        assertThat(readAll(b)).isEqualTo("early".getBytes());
    }

    @Test
    void tamperedTransportFrameClosesWithDecryptionException() {
        connect(null);
        pump(a, b);
        a.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        ByteBuf wire = a.readOutbound();
        wire.setByte(4, wire.getByte(4) ^ 0x01);
        b.writeInbound(wire);
        assertThat(errorsB).singleElement().isInstanceOf(DecryptionException.class);
        assertThat(b.isOpen()).isFalse();
        assertThat(readAll(b)).isEmpty();
    }

    @Test
    void frameShorterThanTagIsRejected() {
        connect(null);
        pump(a, b);
        b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 5, 1, 2, 3, 4, 5}));
        assertThat(errorsB).singleElement().isInstanceOf(NoiseException.class)
                .extracting(Throwable::getMessage).asString().contains("shorter than the 16-byte tag");
        assertThat(b.isOpen()).isFalse();
    }

    @Test
    void wrongExpectedIdentityClosesTheDialer() {
        NoiseHandshakeHandler[] h = connect(new Ed25519Identity().encodedPublicKey());
        pump(a, b);
        assertThat(h[0].result()).isCompletedExceptionally();
        assertThat(h[0].result().handle((r, e) -> e).join()).isInstanceOf(HandshakeException.class);
        assertThat(errorsA).singleElement().isInstanceOf(HandshakeException.class);
        assertThat(a.isOpen()).isFalse();
        // The listener sees the dialer go away before message 3.
        b.close();
        assertThat(h[1].result()).isCompletedExceptionally();
    }

    @Test
    void garbageHandshakeMessageFails() {
        NoiseHandshakeHandler resp = NoiseHandshakeHandler.responder(TestIdentities.config(bob));
        b = new EmbeddedChannel(resp, errorSink(errorsB));
        b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 3, 1, 2, 3}));
        assertThat(resp.result()).isCompletedExceptionally();
        assertThat(errorsB).singleElement().isInstanceOf(HandshakeException.class);
        assertThat(b.isOpen()).isFalse();
    }

    @Test
    void handshakeTimesOut() {
        NoiseConfig config = NoiseConfig.builder().identity(alice).verifier(new TestIdentities.Ed25519Verifier())
                .handshakeTimeout(Duration.ofMillis(1)).build();
        NoiseHandshakeHandler init = NoiseHandshakeHandler.initiator(config, null);
        a = new EmbeddedChannel(init, errorSink(errorsA));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!init.result().isDone() && System.nanoTime() < deadline) {
            a.runPendingTasks();
            a.runScheduledPendingTasks();
        }
        assertThat(init.result()).isCompletedExceptionally();
        assertThat(init.result().handle((r, e) -> e instanceof CompletionException ? e.getCause() : e).join())
                .isInstanceOf(HandshakeException.class).hasMessageContaining("timed out");
        assertThat(a.isOpen()).isFalse();
    }

    @Test
    void writesBeforeCompletionAreRejectedNotSentInClear() {
        connect(null);
        var future = a.writeAndFlush(Unpooled.wrappedBuffer("secret".getBytes()));
        assertThat(future.cause()).isInstanceOf(HandshakeException.class);
        ByteBuf msg1 = a.readOutbound();
        assertThat(msg1.readableBytes()).isEqualTo(2 + 32);
        msg1.release();
        assertThat((Object) a.readOutbound()).isNull();
    }
}
