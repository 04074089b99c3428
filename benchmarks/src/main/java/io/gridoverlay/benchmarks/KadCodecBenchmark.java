package io.gridoverlay.benchmarks;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.dht.protocol.KadCodec;
import io.gridoverlay.dht.protocol.KadFrameDecoder;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Kad codec: a FIND_NODE response with 20 peers of 2 addresses each — frame encode, and frame + decode. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KadCodecBenchmark {
    private final KadCodec codec = KadCodec.withDefaults();
    private KadRequest request;
    private KadResponse response;
    private byte[] frame;

    @Setup(Level.Trial)
    public void setUp() {
        List<PeerInfo> peers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            peers.add(new PeerInfo(Ed25519.generate().privateKey().peerId(), List.of(
                    Multiaddr.parse("/ip4/10.0." + i + ".1/tcp/4001"),
                    Multiaddr.parse("/ip6/2001:db8::" + (i + 1) + "/tcp/4001"))));
        }
        byte[] target = Ed25519.generate().privateKey().peerId().toBytes();
        request = new KadRequest.FindNode(target);
        response = KadResponse.findNode(target, peers);
        frame = codec.frameResponse(response);
    }

    @Benchmark
    public byte[] encodeFindNodeResponse() {
        return codec.frameResponse(response);
    }

    @Benchmark
    public void decodeFindNodeResponse(Blackhole bh) {
        KadFrameDecoder decoder = new KadFrameDecoder(codec.limits().maxMessageSize());
        decoder.decode(frame, payload -> bh.consume(codec.decodeResponse(payload, request)));
    }
}
