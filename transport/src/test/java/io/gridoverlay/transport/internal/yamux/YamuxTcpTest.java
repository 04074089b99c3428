package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxSessionSnapshot;
import io.gridoverlay.transport.yamux.YamuxStreamException;
import io.gridoverlay.transport.yamux.YamuxStreamLimitException;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Yamux over a real loopback TCP connection (plain TCP, no security layer). */
class YamuxTcpTest {

    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Collects a stream's bytes; completes when the peer closes its side. */
    static final class Collector implements YamuxStreamHandler {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        @Override
        public void onData(YamuxStream stream, ByteBuf data) {
            byte[] chunk = new byte[data.readableBytes()];
            data.readBytes(chunk);
            bytes.writeBytes(chunk);
        }

        @Override
        public void onRemoteClose(YamuxStream stream) {
            done.complete(bytes.toByteArray());
        }

        @Override
        public void onReset(YamuxStream stream) {
            done.completeExceptionally(new YamuxStreamException("reset"));
        }
    }

    /** A server whose every inbound stream is collected, and a client session connected to it over TCP. */
    record CollectingPair(Channel server, YamuxHandler session, Channel client, List<Collector> accepted) {}

    private CollectingPair collectingPair(YamuxConfig config) throws InterruptedException {
        List<Collector> accepted = new CopyOnWriteArrayList<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new YamuxFrameCodec(config), new YamuxHandler(config, false, stream -> {
                            Collector c = new Collector();
                            accepted.add(c);
                            return c;
                        }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        YamuxHandler session = new YamuxHandler(config, true, YamuxStreamAcceptor.refuseAll());
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new YamuxFrameCodec(config), session);
                    }
                })
                .connect(server.localAddress()).sync().channel();
        return new CollectingPair(server, session, client, accepted);
    }

    @Test
    void echoesSeveralMegabytesOnConcurrentStreamsOverLoopback() throws Exception {
        YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ofMillis(200))
                .maxStreamWindow(4 << 20).maxStreamWriteQueue(4 << 20)
                // the echo side queues up to a full window per stream before its writes complete: 8 streams
                // of 4 MiB must fit the session's queue, or an echo write fails and resets its stream
                .maxSessionWriteQueue(8L * (4 << 20)).build();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new YamuxFrameCodec(config),
                                new YamuxHandler(config, false, stream -> new EchoHandler()));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        YamuxHandler session = new YamuxHandler(config, true, YamuxStreamAcceptor.refuseAll());
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new YamuxFrameCodec(config), session);
                    }
                })
                .connect(server.localAddress()).sync().channel();
        try {
            Random random = new Random(1);
            List<byte[]> payloads = new ArrayList<>();
            List<Collector> collectors = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] payload = new byte[1024 * 1024 + random.nextInt(4096)];
                random.nextBytes(payload);
                payloads.add(payload);
                Collector collector = new Collector();
                collectors.add(collector);
                YamuxStream stream = session.openStream(collector).get(5, TimeUnit.SECONDS);
                writeAll(stream, payload).thenCompose(v -> stream.closeWrite());
            }
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(collectors.get(i).done.get(30, TimeUnit.SECONDS)).isEqualTo(payloads.get(i));
            }
            Duration rtt = session.ping().get(5, TimeUnit.SECONDS);
            assertThat(rtt).isPositive();
            assertThat(session.rtt()).isPositive();
        } finally {
            session.close().get(5, TimeUnit.SECONDS);
            server.close().sync();
        }
        assertThat(session.closeFuture()).isCompleted();
        assertThat(client.isOpen()).isFalse();
    }

    /**
     * Regression (local-grid perf hang with 6+ peers at 64 MiB): a producer on another thread than the
     * event loop that writes only while {@link YamuxStream#isWritable()} queued far beyond
     * {@link YamuxConfig#maxStreamWriteQueue()}, because writability changed only once the loop had queued
     * the bytes; the excess writes then failed with {@link YamuxStreamLimitException}. The loop is held
     * busy while the producer runs, so the outcome does not depend on timing.
     */
    @Test
    void offLoopProducerPacedByIsWritableNeverOverflowsTheWriteQueue() throws Exception {
        int budget = 64 * 1024;
        int chunk = 16 * 1024;
        YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO).maxStreamWriteQueue(budget).build();
        CollectingPair pair = collectingPair(config);
        List<Collector> accepted = pair.accepted();
        Channel server = pair.server();
        YamuxHandler session = pair.session();
        Channel client = pair.client();
        CountDownLatch release = new CountDownLatch(1);
        try {
            AtomicInteger writabilityEvents = new AtomicInteger();
            CompletableFuture<Void> writableAgain = new CompletableFuture<>();
            YamuxStream stream = session.openStream(new YamuxStreamHandler() {
                @Override
                public void onData(YamuxStream s, ByteBuf data) {
                }

                @Override
                public void onWritabilityChanged(YamuxStream s) {
                    if (writabilityEvents.incrementAndGet() >= 2 && s.isWritable()) {
                        writableAgain.complete(null);
                    }
                }
            }).get(5, TimeUnit.SECONDS);
            // Hold the event loop: every write below has to hop onto it and stays in transit meanwhile.
            client.eventLoop().execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            while (stream.isWritable() && writes.size() < 1000) {
                writes.add(stream.write(Unpooled.wrappedBuffer(new byte[chunk])));
            }
            assertThat(writes).as("writes accepted while isWritable() was true").hasSize(budget / chunk);
            // runs on the loop after the four writes were queued and before they are sent
            CompletableFuture<YamuxSessionSnapshot> snapshot = session.snapshot();
            release.countDown();

            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            writableAgain.get(10, TimeUnit.SECONDS);
            assertThat(stream.isWritable()).isTrue();
            YamuxSessionSnapshot.StreamState queued = snapshot.get(5, TimeUnit.SECONDS).streams().get(0);
            assertThat(queued.queuedBytes()).isEqualTo(budget);
            assertThat(queued.inTransitBytes()).isZero();
            assertThat(queued.writable()).isFalse();
            stream.closeWrite();
            // the server accepts the stream on its own event loop when the SYN arrives: a completed write
            // only means handed to the client's connection (under load the assertion raced the SYN)
            io.gridoverlay.testing.Conditions.waitUntil(java.time.Duration.ofSeconds(10),
                    "the server accepted the stream", () -> !accepted.isEmpty());
            assertThat(accepted).hasSize(1);
            assertThat(accepted.get(0).done.get(10, TimeUnit.SECONDS)).hasSize(budget);
        } finally {
            release.countDown();
            session.close().get(5, TimeUnit.SECONDS);
            server.close().sync();
        }
    }

    /** Writes {@code payload} in 32 KiB pieces, each after the previous one was sent (back-pressure). */
    private static CompletableFuture<Void> writeAll(YamuxStream stream, byte[] payload) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int offset = 0; offset < payload.length; offset += 32 * 1024) {
            int from = offset;
            int length = Math.min(32 * 1024, payload.length - offset);
            chain = chain.thenCompose(v -> stream.write(Unpooled.wrappedBuffer(payload, from, length)));
        }
        return chain;
    }

    /**
     * Regression (lazy echo to js corrupted 4 MiB): writes handed to the event loop from another thread
     * must not be overtaken by a later write made on the loop itself, nor by a closeWrite.
     */
    @Test
    void writesFromAnotherThreadAreNotOvertakenByLaterWritesOnTheLoop() throws Exception {
        YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO).build();
        CollectingPair pair = collectingPair(config);
        List<Collector> accepted = pair.accepted();
        Channel server = pair.server();
        YamuxHandler session = pair.session();
        Channel client = pair.client();
        CountDownLatch offLoopWritesQueued = new CountDownLatch(1);
        try {
            YamuxStream stream = session.openStream(new Collector()).get(5, TimeUnit.SECONDS);
            // The loop task waits until this thread's three writes are queued behind it, then writes and
            // closes on the loop: the bytes must still arrive as 1, 2, 3, 4.
            client.eventLoop().execute(() -> {
                try {
                    offLoopWritesQueued.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stream.write(Unpooled.wrappedBuffer(new byte[] {4}));
                stream.closeWrite();
            });
            stream.write(Unpooled.wrappedBuffer(new byte[] {1}));
            stream.write(Unpooled.wrappedBuffer(new byte[] {2}));
            stream.write(Unpooled.wrappedBuffer(new byte[] {3}));
            offLoopWritesQueued.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted.isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // the server accepts on its own loop
            }
            assertThat(accepted).hasSize(1);
            assertThat(accepted.get(0).done.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4);
        } finally {
            offLoopWritesQueued.countDown();
            session.close().get(5, TimeUnit.SECONDS);
            server.close().sync();
        }
    }
}
