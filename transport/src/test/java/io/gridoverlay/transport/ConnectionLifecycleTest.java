package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.socketAddress;
import static io.gridoverlay.transport.AbuseSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.AbuseSupport.RawPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registration of upgraded connections over TCP on 127.0.0.1: a connection that dies during or right after
 * its upgrade never stays in the registry, listeners see it opened before closed, and every future of it
 * completes.
 */
class ConnectionLifecycleTest {
    private final List<Host> hosts = new ArrayList<>();

    private Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        hosts.add(h);
        h.start().join();
        return h;
    }

    private Host host() {
        return host(Host.builder());
    }

    @AfterEach
    void closeHosts() {
        AbuseSupport.closeAll(hosts);
    }

    /** Records connection events as "opened"/"closed" in the order the host fires them. */
    private static List<String> recordEvents(Host h) {
        List<String> events = new CopyOnWriteArrayList<>();
        h.addListener(new HostListener() {
            @Override
            public void connectionOpened(Connection c) {
                events.add("opened " + c.isOpen());
            }

            @Override
            public void connectionClosed(Connection c) {
                events.add("closed");
            }
        });
        return events;
    }

    /**
     * Regression: the dial future completed before the listeners were told; a caller closing the connection in
     * a dependent stage (which runs inline, on the event loop) got "closed" fired before "opened", and the host
     * then announced and identified a dead connection.
     */
    @Test
    void connectionClosedByTheDialerAtOnceIsAnnouncedOpenedThenClosed() {
        Host server = host();
        Host client = host();
        List<String> events = recordEvents(client);
        Connection c = client.dial(p2pAddress(server))
                .thenApply(conn -> {
                    conn.close();
                    return conn;
                })
                .orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "the client saw the connection close", () -> events.contains("closed"));
        assertThat(events).containsExactly("opened true", "closed");
        assertThat(client.connections()).isEmpty();
        assertThat(c.isOpen()).isFalse();
        // identify either never started or failed: its future completes either way
        assertThat(c.identified().handle((i, e) -> e).orTimeout(10, TimeUnit.SECONDS).join()).isNotNull();
        waitUntil(Duration.ofSeconds(10), "the server dropped the connection", () -> server.connections().isEmpty());
    }

    /** A listener that closes the connection it is told about: the dialer gets a failure, not a dead connection. */
    @Test
    void connectionClosedByAListenerFailsTheDial() {
        Host server = host();
        Host client = host();
        List<String> events = recordEvents(client);
        client.addListener(new HostListener() {
            @Override
            public void connectionOpened(Connection c) {
                c.close();
            }
        });
        CompletableFuture<Connection> dial = client.dial(p2pAddress(server));
        Throwable failure = dial.handle((c, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(failure).isNotNull().hasRootCauseInstanceOf(TransportException.class)
                .hasMessageContaining("closed");
        waitUntil(Duration.ofSeconds(10), "the client saw the connection close", () -> events.contains("closed"));
        assertThat(events).containsExactly("opened true", "closed");
        assertThat(client.connections()).isEmpty();
    }

    /**
     * Regression: the receiver of an Identify push never closed its side of the push stream, so every push left
     * one stream open on both connections for as long as they lived (counting against the stream limit).
     */
    @Test
    void identifyPushLeavesNoStreamOpen() {
        Host server = host();
        Host client = host();
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "the server identified the client too",
                () -> server.connections(client.peerId()).size() == 1
                        && server.connections(client.peerId()).get(0).identified().isDone());
        for (int i = 0; i < 3; i++) {
            String protocol = "/new/" + i;
            server.setStreamHandler(protocol, s -> StreamHandler.discarding()); // pushed to the client
            waitUntil(Duration.ofSeconds(10), "the client learned " + protocol,
                    () -> client.peerStore().protocols(server.peerId()).contains(protocol));
        }
        Connection onServer = server.connections(client.peerId()).get(0);
        waitUntil(Duration.ofSeconds(10), "no stream left open on either side (client " + c.streamCount()
                        + ", server " + onServer.streamCount() + ")",
                () -> c.streamCount() == 0 && onServer.streamCount() == 0);
    }

    /** After the host closed (its event loops are gone), opening a stream fails the future instead of throwing. */
    @Test
    void newStreamAfterTheHostClosedFailsTheFuture() {
        Host server = host();
        Host client = host();
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        client.close();
        CompletableFuture<Stream> s = c.newStream(io.gridoverlay.transport.protocol.Ping.PROTOCOL,
                StreamHandler.discarding());
        assertThat(s.handle((x, e) -> e).orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(TransportException.class);
        assertThat(c.isOpen()).isFalse();
    }

    /** Regression: a second close waited for listeners on channels whose event loop was gone (10 s, then a warning). */
    @Test
    void closingAHostTwiceReturnsTheFirstClosesFuture() {
        Host server = host();
        Host client = host();
        client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        CompletableFuture<Void> first = client.closeAsync();
        first.orTimeout(10, TimeUnit.SECONDS).join();
        CompletableFuture<Void> second = client.closeAsync();
        assertThat(second).isSameAs(first).isDone();
    }

    /**
     * Regression: concurrent dials of one peer each opened a connection, and those beyond
     * {@code maxConnectionsPerPeer} (4) failed with {@link LimitExceededException}. They now share one dial.
     */
    @Test
    void concurrentStreamsToAnUnconnectedPeerShareOneDial() {
        Host server = host();
        Host client = host();
        client.peerStore().addAddresses(server.peerId(), server.listenAddresses(), PeerStore.TEMPORARY_TTL);
        List<CompletableFuture<Stream>> streams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            streams.add(client.newStream(server.peerId(), StreamHandler.discarding(),
                    io.gridoverlay.transport.protocol.Ping.PROTOCOL));
        }
        CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(client.connections(server.peerId())).hasSize(1);
        assertThat(streams).extracting(f -> f.join().connection()).containsOnly(client.connections(server.peerId()).get(0));
        // a dial by address with /p2p shares it too
        CompletableFuture<Connection> a = client.dial(p2pAddress(server));
        assertThat(a.orTimeout(10, TimeUnit.SECONDS).join()).isSameAs(client.connections(server.peerId()).get(0));
    }

    /** Regression: after the host closed, {@link Connection#closeFuture()} never completed (its listener was rejected). */
    @Test
    void closeFutureOfAConnectionOfAClosedHostIsComplete() {
        Host server = host();
        Host client = host();
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        client.close();
        assertThat(c.closeFuture()).isDone();
        assertThat(c.close()).isDone();
    }

    /**
     * Regression: the source address of an inbound connection (an ephemeral port nobody listens on) went into
     * the peer store ahead of the peer's listen addresses, so dialling the peer back tried it first.
     */
    @Test
    void theSourceAddressOfAnInboundConnectionIsNotADialAddress() {
        Host server = host();
        Host client = host();
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "the server identified the client",
                () -> server.connections(client.peerId()).size() == 1
                        && server.connections(client.peerId()).get(0).identified().isDone());
        assertThat(server.peerStore().addresses(client.peerId())).containsExactlyElementsOf(client.listenAddresses());
        // the dialler keeps the address it dialled
        assertThat(client.peerStore().addresses(server.peerId())).containsExactlyElementsOf(server.listenAddresses());
        client.disconnect(server.peerId()).orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "the server saw the disconnect", () -> server.connections().isEmpty());
        Connection back = server.dial(client.peerId()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(back.remoteAddress()).isEqualTo(client.listenAddresses().get(0));
        assertThat(c.isOpen()).isFalse();
    }

    /**
     * Regression: a peer that accepted the identify stream but never answered left {@link Connection#identified()}
     * incomplete and the stream open for the connection's lifetime. Identify now has the stream negotiation
     * timeout to finish; then the stream is reset and the future fails. The connection stays.
     */
    @Test
    void identifyThatIsNeverAnsweredTimesOut() {
        Host silent = host();
        silent.setStreamHandler(IdentifyService.ID, s -> StreamHandler.discarding()); // accepts, never answers
        Host client = host(Host.builder().streamNegotiationTimeout(Duration.ofMillis(500)));
        Connection c = client.dial(p2pAddress(silent)).orTimeout(10, TimeUnit.SECONDS).join();
        Throwable failure = c.identified().handle((i, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(failure).isInstanceOf(TransportException.class).hasMessageContaining("timed out");
        waitUntil(Duration.ofSeconds(10), "the identify stream is gone", () -> c.streamCount() == 0);
        assertThat(c.isOpen()).isTrue();
        assertThat(io.gridoverlay.transport.protocol.Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

    /** A peer that stalls in the muxer negotiation past the handshake timeout is never registered. */
    @Test
    void upgradeTimingOutInTheMuxerNegotiationRegistersNothing() throws Exception {
        Host victim = host(Host.builder().handshakeTimeout(Duration.ofMillis(300)).earlyMuxerNegotiation(false));
        List<String> events = recordEvents(victim);
        try (RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.handshake();
            // only the multistream header: the victim waits for the muxer proposal until its timeout
            raw.writeEncrypted(RawPeer.multistream("/multistream/1.0.0"));
            raw.awaitClosedByHost(Duration.ofSeconds(5));
        }
        waitUntil(Duration.ofSeconds(5), "no handshake pending", () -> victim.pendingInboundCount() == 0);
        assertThat(victim.connections()).isEmpty();
        assertThat(events).isEmpty();
        AbuseSupport.assertServesFreshPeer(victim);
    }

    /** A peer that completes the upgrade and hangs up at once: opened then closed, nothing left behind. */
    @Test
    void peerHangingUpRightAfterTheUpgradeLeavesNothingRegistered() throws Exception {
        Host victim = host();
        List<String> events = recordEvents(victim);
        try (RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.handshake(List.of(Host.YAMUX));
            raw.socket.setSoLinger(true, 0); // reset, not a graceful close
        }
        waitUntil(Duration.ofSeconds(10), "the victim registered and dropped the connection, or never registered it",
                () -> victim.pendingInboundCount() == 0 && victim.connections().isEmpty()
                        && (events.isEmpty() || events.contains("closed")));
        assertThat(events).isIn(List.of(), List.of("opened true", "closed"));
        AbuseSupport.assertServesFreshPeer(victim);
    }
}
