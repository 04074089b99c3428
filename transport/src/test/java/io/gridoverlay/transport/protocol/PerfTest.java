package io.gridoverlay.transport.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.TransportException;
import io.gridoverlay.transport.yamux.YamuxConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /perf/1.0.0} between two hosts over real TCP on 127.0.0.1: a run completes, and a run whose
 * peer misbehaves mid-transfer completes exceptionally instead of hanging.
 */
class PerfTest {
    /** One Perf chunk: the smallest write budget under which the sender still makes progress. */
    private static final int TINY_WRITE_QUEUE = Perf.CHUNK;

    private Host client;
    private Host server;
    private Multiaddr serverAddr;

    @BeforeEach
    void start() {
        YamuxConfig tiny = YamuxConfig.builder().maxStreamWriteQueue(TINY_WRITE_QUEUE).build();
        client = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).yamux(tiny).enablePerf().build();
        server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).yamux(tiny).enablePerf().build();
        client.start().join();
        server.start().join();
        serverAddr = server.listenAddresses().get(0).encapsulate("/p2p/" + server.peerId().toBase58());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Connection connect() {
        return client.dial(serverAddr).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * Regression (local-grid perf hang): the sender must pace itself on the stream's event loop whatever
     * thread starts the run; with a write budget of one chunk, a sender running elsewhere overflows it.
     */
    @Test
    void runsWithAWriteBudgetOfOneChunkFromAnyThread() throws Exception {
        Connection c = connect();
        List<CompletableFuture<Perf.Result>> runs = new ArrayList<>();
        runs.add(Perf.run(c, 8 << 20, 8 << 20));
        runs.add(CompletableFuture.supplyAsync(() -> Perf.run(c, 4 << 20, 4 << 20), ForkJoinPool.commonPool())
                .thenCompose(Function.identity()));
        for (CompletableFuture<Perf.Result> run : runs) {
            Perf.Result r = run.get(20, TimeUnit.SECONDS);
            assertThat(r.uploaded()).isEqualTo(r.downloaded()).isPositive();
            assertThat(r.totalTime()).isGreaterThanOrEqualTo(r.uploadTime());
        }
        assertThat(Perf.run(c, 0, 0).get(10, TimeUnit.SECONDS).downloaded()).isZero();
    }

    @Test
    void failsWhenThePeerResetsTheStreamDuringTheUpload() {
        server.setStreamHandler(Perf.PROTOCOL, stream -> new StreamHandler() {
            long received;

            @Override
            public void onData(Stream s, ByteBuf data) {
                received += data.readableBytes();
                data.skipBytes(data.readableBytes());
                if (received >= 1 << 20) {
                    s.reset();
                }
            }
        });
        CompletableFuture<Perf.Result> run = Perf.run(connect(), 256L << 20, 1 << 20);
        assertThat(run).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(TransportException.class);
    }

    @Test
    void failsWhenThePeerResetsTheStreamDuringTheDownload() {
        server.setStreamHandler(Perf.PROTOCOL, stream -> new StreamHandler() {
            @Override
            public void onData(Stream s, ByteBuf data) {
                data.skipBytes(data.readableBytes());
            }

            @Override
            public void onRemoteClose(Stream s) {
                s.write(Unpooled.wrappedBuffer(new byte[Perf.CHUNK])).whenComplete((v, e) -> s.reset());
            }
        });
        CompletableFuture<Perf.Result> run = Perf.run(connect(), 1 << 20, 64 << 20);
        assertThat(run).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withMessageContaining("reset");
    }

    @Test
    void failsWhenThePeerClosesTheStreamBeforeSendingEverything() {
        server.setStreamHandler(Perf.PROTOCOL, stream -> new StreamHandler() {
            @Override
            public void onData(Stream s, ByteBuf data) {
                data.skipBytes(data.readableBytes());
            }

            @Override
            public void onRemoteClose(Stream s) {
                s.write(Unpooled.wrappedBuffer(new byte[1000])).thenCompose(v -> s.closeWrite());
            }
        });
        CompletableFuture<Perf.Result> run = Perf.run(connect(), 1 << 20, 1 << 20);
        assertThat(run).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withMessageContaining("expected " + (1 << 20) + " bytes, received 1000");
    }

    @Test
    void failsWhenTheConnectionDiesDuringTheUpload() {
        server.setStreamHandler(Perf.PROTOCOL, stream -> new StreamHandler() {
            long received;

            @Override
            public void onData(Stream s, ByteBuf data) {
                received += data.readableBytes();
                data.skipBytes(data.readableBytes());
                if (received >= 1 << 20) {
                    s.connection().close();
                }
            }
        });
        CompletableFuture<Perf.Result> run = Perf.run(connect(), 256L << 20, 0);
        assertThat(run).failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void rejectsNegativeByteCounts() {
        Connection c = connect();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Perf.run(c, -1, 0));
    }
}
