package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.dht.protocol.KadNetworkException;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SimulatedNetworkTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    static PeerInfo peer(int i) {
        byte[] seed = new byte[32];
        seed[0] = (byte) i;
        seed[1] = (byte) (i >> 8);
        return new PeerInfo(Ed25519.fromSeed(seed).peerId(), List.of(Multiaddr.parse("/ip4/10.0.0." + i + "/tcp/4001")));
    }

    static SimulatedNetwork network(double loss, boolean codec) {
        LatencyModel.Config noJitter = new LatencyModel.Config(LatencyModel.Placement.UNIFORM, 1, 0.05,
                Duration.ofMillis(10), Duration.ofMillis(300), 0);
        return new SimulatedNetwork(new LatencyModel(noJitter, 1), loss, codec, 2);
    }

    static final KadRequest FIND = new KadRequest.FindNode(new byte[] {1, 2, 3});

    static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void answerArrivesAfterOneRoundTrip() {
        for (boolean codec : new boolean[] {false, true}) {
            SimulatedNetwork net = network(0, codec);
            SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
            SimulatedNetwork.Endpoint b = net.attach(1, peer(1));
            KadResponse answer = KadResponse.findNode(FIND.key(), List.of(peer(2)));
            b.setRequestHandler((from, req) -> {
                assertThat(from.peerId()).isEqualTo(a.self());
                assertThat(req).isEqualTo(FIND);
                return answer;
            });
            CompletableFuture<KadResponse> f = a.send(b.info(), FIND, TIMEOUT);
            long[] doneAt = {-1};
            f.whenComplete((r, e) -> doneAt[0] = net.nanoTime());
            net.runAll();
            assertThat(f.join()).isEqualTo(answer);
            LatencyModel sameModel = new LatencyModel(new LatencyModel.Config(LatencyModel.Placement.UNIFORM, 1, 0.05,
                    Duration.ofMillis(10), Duration.ofMillis(300), 0), 1);
            assertThat(doneAt[0]).isEqualTo(2 * sameModel.oneWayNanos(0, 1, 0)).isPositive();
            assertThat(net.requestsHandled(1)).isEqualTo(1);
            assertThat(net.messages()).isEqualTo(2);
        }
    }

    @Test
    void offlineUnknownAndClientTargetsTimeOutAtTheCallersTimeout() {
        SimulatedNetwork net = network(0, false);
        SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
        SimulatedNetwork.Endpoint offline = net.attach(1, peer(1));
        offline.setRequestHandler((from, req) -> KadResponse.ping());
        offline.close();
        SimulatedNetwork.Endpoint client = net.attach(2, peer(2)); // no handler: client mode
        List<CompletableFuture<KadResponse>> fs = new ArrayList<>();
        fs.add(a.send(peer(1), FIND, TIMEOUT));
        fs.add(a.send(client.info(), FIND, TIMEOUT));
        fs.add(a.send(peer(3), FIND, TIMEOUT));
        net.runUntil(TIMEOUT.toNanos() - 1);
        assertThat(fs).noneMatch(CompletableFuture::isDone);
        net.runAll();
        for (CompletableFuture<KadResponse> f : fs) {
            assertThat(((KadNetworkException) failure(f)).kind()).isEqualTo(KadNetworkException.Kind.TIMEOUT);
        }
        assertThat(net.nanoTime()).isEqualTo(TIMEOUT.toNanos());
    }

    @Test
    void refusedRequestFailsWithStreamFailed() {
        SimulatedNetwork net = network(0, false);
        SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
        SimulatedNetwork.Endpoint b = net.attach(1, peer(1));
        b.setRequestHandler((from, req) -> {
            throw new KadRequestRejectedException("no");
        });
        CompletableFuture<KadResponse> f = a.send(b.info(), FIND, TIMEOUT);
        net.runAll();
        assertThat(((KadNetworkException) failure(f)).kind()).isEqualTo(KadNetworkException.Kind.STREAM_FAILED);
    }

    @Test
    void lossDropsAboutTheConfiguredFractionOfExchanges() {
        SimulatedNetwork net = network(0.1, false);
        SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
        SimulatedNetwork.Endpoint b = net.attach(1, peer(1));
        b.setRequestHandler((from, req) -> KadResponse.ping());
        List<CompletableFuture<KadResponse>> fs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            fs.add(a.send(b.info(), new KadRequest.Ping(), TIMEOUT));
        }
        net.runAll();
        long failed = fs.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        // an exchange survives with probability 0.9 * 0.9 = 0.81
        assertThat(failed).isBetween(300L, 460L);
        assertThat(net.messagesLost()).isEqualTo(failed);
    }

    @Test
    void crashedEndpointDropsItsPendingTasksAndReplies() {
        SimulatedNetwork net = network(0, false);
        SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
        SimulatedNetwork.Endpoint b = net.attach(1, peer(1));
        b.setRequestHandler((from, req) -> KadResponse.ping());
        List<String> ran = new ArrayList<>();
        a.schedule(() -> ran.add("late"), 1_000_000_000L);
        Runnable cancel = a.schedule(() -> ran.add("cancelled"), 10);
        a.execute(() -> ran.add("now"));
        cancel.run();
        CompletableFuture<KadResponse> f = a.send(b.info(), new KadRequest.Ping(), TIMEOUT);
        net.runUntil(1_000);
        a.close();
        net.runAll();
        assertThat(ran).containsExactly("now");
        assertThat(f).isNotDone();
    }

    @Test
    void tasksRunInTimeThenInsertionOrder() {
        SimulatedNetwork net = network(0, false);
        SimulatedNetwork.Endpoint a = net.attach(0, peer(0));
        List<Integer> order = new ArrayList<>();
        a.schedule(() -> order.add(3), 5);
        a.execute(() -> order.add(1));
        a.execute(() -> order.add(2));
        a.schedule(() -> order.add(4), 5);
        net.runAll();
        assertThat(order).containsExactly(1, 2, 3, 4);
        assertThat(a.now()).isEqualTo(SimulatedNetwork.EPOCH.plusNanos(5));
    }
}
