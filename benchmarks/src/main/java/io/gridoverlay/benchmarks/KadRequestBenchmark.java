package io.gridoverlay.benchmarks;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.internal.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.StreamNegotiation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one Kad FIND_NODE request over TCP on 127.0.0.1, sequential, on an open and identified
 * connection: one new stream per request, its protocol negotiated fully (waits for the multistream echo:
 * two round trips per request) or lazily once Identify listed Kad (the request follows the proposal: one
 * round trip). The answer carries 20 peers with one address each, as a full FIND_NODE answer does. Sampled
 * (percentiles): on a shared machine the mean is dominated by scheduling outliers, the median is not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class KadRequestBenchmark {

    @Param({"FULL", "LAZY_WHEN_SUPPORTED"})
    public StreamNegotiation negotiation;

    private Host server;
    private Host client;
    private TransportKadNetwork serverNet;
    private TransportKadNetwork clientNet;
    private PeerInfo serverInfo;
    private KadRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        client = Host.builder().eventLoopThreads(1).build();
        server.start().join();
        serverNet = TransportKadNetwork.builder(server).serverMode(true).build();
        List<PeerInfo> closer = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            closer.add(new PeerInfo(Ed25519.generate().privateKey().peerId(), server.listenAddresses()));
        }
        serverNet.setRequestHandler((from, req) -> KadResponse.findNode(req.key(), closer));
        clientNet = TransportKadNetwork.builder(client).streamNegotiation(negotiation).build();
        serverInfo = new PeerInfo(server.peerId(), server.listenAddresses());
        PeerId target = Ed25519.generate().privateKey().peerId();
        request = KadRequest.FindNode.of(target);
        Connection c = client.dial(server.listenAddresses().get(0).encapsulate("/p2p/" + server.peerId().toBase58()))
                .orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        clientNet.close();
        serverNet.close();
        client.close();
        server.close();
    }

    @Benchmark
    public int findNode() {
        return clientNet.send(serverInfo, request, Duration.ofSeconds(10)).join().closerPeers().size();
    }
}
