package io.gridoverlay.transport.internal.plaintext;

import io.gridoverlay.transport.plaintext.PlaintextHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.multistream.ProtocolNegotiationException;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hosts built with {@code insecurePlaintext()} over real TCP on 127.0.0.1. */
class PlaintextHostTest {

    private static Host host(boolean plaintext) {
        Host.Builder b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf();
        Host h = (plaintext ? b.insecurePlaintext() : b).build();
        h.start().join();
        return h;
    }

    private static Multiaddr addr(Host h) {
        return h.listenAddresses().get(0).encapsulate("/p2p/" + h.peerId().toBase58());
    }

    @Test
    void twoPlaintextHostsConnectPingAndMoveBytes() {
        try (Host a = host(true); Host b = host(true)) {
            Connection c = a.dial(addr(b)).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(c.remotePeer()).isEqualTo(b.peerId());
            assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
            Perf.Result r = Perf.run(c, 1 << 20, 3 << 20).orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(r.uploaded()).isEqualTo(1 << 20);
            assertThat(r.downloaded()).isEqualTo(3 << 20);
        }
    }

    @Test
    void wrongPeerIdIsRejected() {
        try (Host a = host(true); Host b = host(true)) {
            Multiaddr wrong = b.listenAddresses().get(0)
                    .encapsulate("/p2p/" + Ed25519.generate().publicKey().peerId().toBase58());
            assertThatThrownBy(() -> a.dial(wrong).orTimeout(10, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(PlaintextHandshakeException.class);
        }
    }

    @Test
    void aPlaintextHostCannotReachANoiseOnlyHost() {
        try (Host a = host(true); Host b = host(false)) {
            assertThatThrownBy(() -> a.dial(addr(b)).orTimeout(10, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class)
                    .hasRootCauseInstanceOf(ProtocolNegotiationException.class);
            assertThat(b.connections()).isEmpty();
        }
    }
}
