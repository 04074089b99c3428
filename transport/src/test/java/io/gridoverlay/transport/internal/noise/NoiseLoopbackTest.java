package io.gridoverlay.transport.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.internal.multistream.MultistreamNegotiationHandler;
import io.gridoverlay.transport.internal.noise.TestIdentities.Ed25519Identity;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TCP on 127.0.0.1: multistream-select {@code /noise}, the Noise handshake, then an echo. */
class NoiseLoopbackTest {
    private static final int PAYLOAD = 4 * 1024 * 1024;

    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Echoes every decrypted buffer back. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Digests what comes back and completes when all bytes arrived. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> digest = new CompletableFuture<>();
        final MessageDigest sha;
        long received;

        Sink() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                received += b.readableBytes();
                sha.update(b.nioBuffer());
                if (received >= PAYLOAD) {
                    digest.complete(sha.digest());
                }
            } finally {
                b.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            digest.completeExceptionally(cause);
        }
    }

    @Test
    void negotiateHandshakeAndEchoFourMebibytes() throws Exception {
        Ed25519Identity server = new Ed25519Identity();
        Ed25519Identity client = new Ed25519Identity();
        NoiseConfig serverConfig = TestIdentities.config(server, "/yamux/1.0.0");
        NoiseConfig clientConfig = TestIdentities.config(client, "/yamux/1.0.0");
        CompletableFuture<NoiseHandshakeResult> serverResult = new CompletableFuture<>();

        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        MultistreamNegotiationHandler mss = MultistreamNegotiationHandler.responder(Set.of("/noise"));
                        ch.pipeline().addLast(mss);
                        mss.selectedProtocol().thenAccept(p -> {
                            NoiseHandshakeHandler noise = NoiseHandshakeHandler.responder(serverConfig);
                            ch.pipeline().addLast(noise);
                            noise.result().whenComplete((r, e) -> {
                                if (e != null) {
                                    serverResult.completeExceptionally(e);
                                } else {
                                    ch.pipeline().addLast(new Echo());
                                    serverResult.complete(r);
                                }
                            });
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            Sink sink = new Sink();
            CompletableFuture<NoiseHandshakeResult> clientResult = new CompletableFuture<>();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            MultistreamNegotiationHandler mss = MultistreamNegotiationHandler.initiator(List.of("/noise"));
                            c.pipeline().addLast(mss);
                            mss.selectedProtocol().thenAccept(p -> {
                                NoiseHandshakeHandler noise =
                                        NoiseHandshakeHandler.initiator(clientConfig, server.encodedPublicKey());
                                c.pipeline().addLast(noise);
                                noise.result().whenComplete((r, e) -> {
                                    if (e != null) {
                                        clientResult.completeExceptionally(e);
                                    } else {
                                        c.pipeline().addLast(sink);
                                        clientResult.complete(r);
                                    }
                                });
                            });
                        }
                    })
                    .connect(listener.localAddress()).sync().channel();

            NoiseHandshakeResult r = clientResult.get(10, TimeUnit.SECONDS);
            assertThat(r.remoteIdentityKey()).isEqualTo(server.encodedPublicKey());
            assertThat(r.remoteStreamMuxers()).containsExactly("/yamux/1.0.0");
            assertThat(serverResult.get(10, TimeUnit.SECONDS).remoteIdentityKey())
                    .isEqualTo(client.encodedPublicKey());

            byte[] data = new byte[PAYLOAD];
            new Random(42).nextBytes(data);
            for (int off = 0; off < data.length; off += 256 * 1024) {
                ch.write(Unpooled.wrappedBuffer(data, off, Math.min(256 * 1024, data.length - off)));
            }
            ch.flush();
            byte[] got = sink.digest.get(30, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(sink.received).isEqualTo(PAYLOAD);
            ch.close().sync();
        } finally {
            listener.close().sync();
        }
    }
}
