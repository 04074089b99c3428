package io.gridoverlay.dht.internal.net;

import io.gridoverlay.dht.internal.net.TransportKadNetwork;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.MessageType;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.interop.JsPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kad requests from Java to a js-libp2p DHT server ({@code node peer.mjs --dht}, @libp2p/kad-dht) with lazy
 * multistream-select: once Identify listed {@code /ipfs/kad/1.0.0}, the request (and the close of the write
 * side) follows the proposal before js echoes it, and js answers every request. Needs {@code node}.
 */
@Tag("interop")
class JsKadLazyNegotiationTest {
    @Test
    void jsKadServerAnswersLazilyNegotiatedRequests() throws Exception {
        try (JsPeer js = JsPeer.start("--dht");
             Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
             TransportKadNetwork net = TransportKadNetwork.builder(host).build()) {
            host.start().join();
            List<Boolean> lazy = TransportKadNetworkTest.kadStreamsOpened(host);
            Connection c = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
            c.identified().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(host.peerStore().protocols(js.peerId())).contains(TransportKadNetwork.DEFAULT_PROTOCOL);
            PeerInfo jsInfo = new PeerInfo(js.peerId(), List.of());
            for (int i = 0; i < 20; i++) {
                PeerId target = io.gridoverlay.core.identity.Ed25519.generate().privateKey().peerId();
                KadResponse r = net.send(jsInfo, KadRequest.FindNode.of(target), Duration.ofSeconds(10)).join();
                assertThat(r.type()).isEqualTo(MessageType.FIND_NODE);
            }
            assertThat(net.send(jsInfo, new KadRequest.Ping(), Duration.ofSeconds(10)).join().type())
                    .isEqualTo(MessageType.PING);
            assertThat(lazy).hasSize(21).containsOnly(true);
            assertThat(host.connections(js.peerId())).containsExactly(c);
        }
    }
}
