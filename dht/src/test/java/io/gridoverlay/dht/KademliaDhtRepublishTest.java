package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestHandler;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.PublicKeyValidator;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Republish and reprovide jobs, driven in virtual time through a manual scheduler and a scripted network. */
class KademliaDhtRepublishTest {

    /** A deterministic scheduler: tasks run only when the test advances time. */
    static final class ManualScheduler implements DhtScheduler {
        record Task(long at, long seq, Runnable run) {
        }

        final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        long now;
        long seq;

        @Override
        public void execute(Runnable task) {
            queue.add(new Task(now, seq++, task));
        }

        @Override
        public Runnable schedule(Runnable task, long delayNanos) {
            Task t = new Task(now + delayNanos, seq++, task);
            queue.add(t);
            return () -> queue.remove(t);
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Instant now() {
            return Instant.EPOCH.plusNanos(now).plusSeconds(1_700_000_000L);
        }

        void runUntil(long time) {
            while (!queue.isEmpty() && queue.peek().at <= time) {
                Task t = queue.poll();
                now = Math.max(now, t.at);
                t.run.run();
            }
            now = time;
        }
    }

    /** Three remote servers that know nobody else and store whatever is put. */
    static final class ScriptedNetwork implements KadNetwork {
        final PeerId self;
        final List<KadRequest> sent = new ArrayList<>();

        ScriptedNetwork(PeerId self) {
            this.self = self;
        }

        @Override
        public CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout) {
            sent.add(request);
            if (request instanceof KadRequest.PutValue p) {
                return CompletableFuture.completedFuture(KadResponse.putValue(p.record()));
            }
            return CompletableFuture.completedFuture(KadResponse.findNode(request.key(), List.of()));
        }

        @Override
        public void setRequestHandler(KadRequestHandler handler) {
        }

        @Override
        public PeerId self() {
            return self;
        }

        long count(Class<? extends KadRequest> type) {
            return sent.stream().filter(type::isInstance).count();
        }
    }

    @Test
    void publishedValuesAndProvidedKeysAreAnnouncedAgainEachInterval() {
        PrivateKey key = Ed25519.generate().privateKey();
        ManualScheduler clock = new ManualScheduler();
        ScriptedNetwork net = new ScriptedNetwork(key.peerId());
        KademliaDht dht = KademliaDht.builder(net).config(io.gridoverlay.dht.DhtConfig.builder().routing(RoutingTableConfig.builder().noDiversityLimits().build()).refreshInterval(Duration.ZERO).republishInterval(Duration.ofHours(1)).reprovideInterval(Duration.ofHours(22)).build()).scheduler(clock).build();
        for (int i = 0; i < 3; i++) {
            dht.addPeer(new PeerInfo(Ed25519.generate().privateKey().peerId(), List.of()), true);
        }
        byte[] pk = PublicKeyValidator.keyFor(key.peerId());
        CompletableFuture<Integer> put = dht.putValue(pk, key.publicKey().encode());
        CompletableFuture<Integer> provide = dht.provide("/grid/thing".getBytes());
        clock.runUntil(clock.now + 1);
        assertThat(put).isCompletedWithValue(3);
        assertThat(provide).isCompletedWithValue(3);
        assertThat(net.count(KadRequest.PutValue.class)).isEqualTo(3);
        assertThat(net.count(KadRequest.AddProvider.class)).isEqualTo(3);

        clock.runUntil(clock.now + Duration.ofMinutes(59).toNanos());
        assertThat(net.count(KadRequest.PutValue.class)).as("nothing before the hour").isEqualTo(3);
        clock.runUntil(clock.now + Duration.ofMinutes(2).toNanos());
        assertThat(net.count(KadRequest.PutValue.class)).as("republished after one hour").isEqualTo(6);
        clock.runUntil(clock.now + Duration.ofHours(2).toNanos());
        assertThat(net.count(KadRequest.PutValue.class)).isEqualTo(12);
        assertThat(net.count(KadRequest.AddProvider.class)).isEqualTo(3);
        clock.runUntil(clock.now + Duration.ofHours(20).toNanos());
        assertThat(net.count(KadRequest.AddProvider.class)).as("reprovided after 22 h").isEqualTo(6);

        dht.stopPublishing(pk);
        clock.runUntil(clock.now + 1);
        long before = net.count(KadRequest.PutValue.class);
        clock.runUntil(clock.now + Duration.ofHours(3).toNanos());
        assertThat(net.count(KadRequest.PutValue.class)).isEqualTo(before);
        dht.close();
    }

    @Test
    void cancellingALookupStopsItsRequests() {
        PrivateKey key = Ed25519.generate().privateKey();
        ManualScheduler clock = new ManualScheduler();
        List<KadRequest> sent = new ArrayList<>();
        List<CompletableFuture<KadResponse>> pending = new ArrayList<>();
        KadNetwork silent = new KadNetwork() {
            @Override
            public CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout) {
                sent.add(request);
                CompletableFuture<KadResponse> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }

            @Override
            public void setRequestHandler(KadRequestHandler handler) {
            }

            @Override
            public PeerId self() {
                return key.peerId();
            }
        };
        KademliaDht dht = KademliaDht.builder(silent).config(io.gridoverlay.dht.DhtConfig.builder().refreshInterval(Duration.ZERO).routing(RoutingTableConfig.builder().noDiversityLimits().build()).build()).scheduler(clock).build();
        for (int i = 0; i < 10; i++) {
            dht.addPeer(new PeerInfo(Ed25519.generate().privateKey().peerId(), List.of()), true);
        }
        CompletableFuture<LookupResult> lookup = dht.findClosestPeers("/grid/x".getBytes());
        clock.runUntil(clock.now + 1);
        assertThat(sent).hasSize(3); // alpha requests in flight
        lookup.cancel(false);
        clock.runUntil(clock.now + 1);
        // the peers answer late with more candidates: nothing further is asked
        List<PeerInfo> more = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            more.add(new PeerInfo(Ed25519.generate().privateKey().peerId(), List.of()));
        }
        for (CompletableFuture<KadResponse> f : new ArrayList<>(pending)) {
            f.complete(KadResponse.findNode(new byte[0], more));
        }
        clock.runUntil(clock.now + Duration.ofMinutes(2).toNanos());
        assertThat(sent).hasSize(3);
        dht.close();
    }
}
