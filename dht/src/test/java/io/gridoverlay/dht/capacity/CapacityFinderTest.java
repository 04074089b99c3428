package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.badSignature;
import static io.gridoverlay.dht.capacity.CapacityFixtures.signedByOther;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import io.gridoverlay.dht.sim.SimulatedNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The reader side: a finder trusts nothing a holder says. Holders that answer every index read with
 * forged, wrongly signed, expired and mis-banded records along with the honest ones cannot add a node to
 * an answer; each such record is counted as rejected. Tokens that do not come from the finder fail cleanly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapacityFinderTest {
    private static final int N = 40;
    private SimGrid g;
    private final List<SignedRecord<CapacityRecord>> current = new ArrayList<>();

    @BeforeAll
    void grid() {
        g = new SimGrid(N, 31, CapacityIndexConfig.defaults());
        g.publishAll();
        for (CapacityPublisher p : g.publishers) {
            current.add(g.await(p.current()).orElseThrow());
        }
    }

    private Set<PeerId> truth(CapacityQuery q) {
        Instant now = g.net.clock().instant();
        return g.capacities.stream().filter(r -> q.matches(r, now)).map(CapacityRecord::nodeId).collect(Collectors.toSet());
    }

    private static Set<PeerId> ids(CapacityQueryResult r) {
        return r.matches().stream().map(m -> m.record().nodeId()).collect(Collectors.toSet());
    }

    /** Every node but the querier (node 0) adds {@code extra} (and a record not belonging to the key) to each index page it serves. */
    private void maliciousHolders(List<byte[]> extra) {
        for (int i = 1; i < N; i++) {
            g.endpoints.get(i).setBehaviour((from, request, handler) -> {
                KadResponse honest = handler.handle(from, request);
                if (!(request instanceof KadRequest.GetValue get)
                        || !new String(get.key(), StandardCharsets.UTF_8).startsWith("/gidx/")) {
                    return honest;
                }
                IndexKey key = IndexKey.parse(get.key());
                IndexPage.Builder page = IndexPage.newBuilder();
                honest.record().ifPresent(r -> {
                    try {
                        page.mergeFrom(r.value());
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                });
                extra.forEach(b -> page.addRecords(ByteString.copyFrom(b)));
                // a genuine, current record of a node that is not registered under this key (mis-banded)
                SignedRecord<CapacityRecord> misplaced = current.stream()
                        .filter(s -> !IndexKeys.belongs(s.record(), key)).findFirst().orElseThrow();
                page.addRecords(ByteString.copyFrom(misplaced.toBytes()));
                return KadResponse.getValue(get.key(), Optional.of(KadRecord.of(get.key(), page.build().toByteArray())),
                        honest.closerPeers());
            });
        }
    }

    private void honestHolders() {
        for (SimulatedNetwork.Endpoint e : g.endpoints) {
            e.setBehaviour(SimulatedNetwork.RequestBehaviour.HONEST);
        }
    }

    @Test
    void finderDropsRecordsThatDoNotVerifyOrDoNotBelongUnderTheirKey() {
        // node x is not in BE; the bad records claim it is, with every other attribute unchanged
        int x = 1;
        while (g.capacities.get(x).location().country().equals("BE")) {
            x++;
        }
        Instant now = g.net.clock().instant();
        CapacityRecord inBe = current.get(x).record().toBuilder().seq(current.get(x).record().seq() + 100)
                .location(Location.of("BE", "Brussels", 50.85, 4.35)).build();
        byte[] forged = badSignature(inBe.sign(g.keys.get(x)).toBytes());
        byte[] wrongSigner = signedByOther(g.keys.get(0), inBe);
        byte[] expired = inBe.toBuilder().issuedAt(now.minus(Duration.ofMinutes(30)))
                .expiresAt(now.minus(Duration.ofMinutes(20))).build().sign(g.keys.get(x)).toBytes();
        maliciousHolders(List.of(forged, wrongSigner, expired));
        try {
            for (CapacityQuery q : List.of(CapacityQuery.builder().countries("BE").build(),
                    CapacityQuery.builder().build(),
                    CapacityQuery.builder().countries("BE").limit(3).build())) {
                CapacityQueryResult r = g.await(CapacityFinder.create(g.dhts.get(0)).find(q));
                Set<PeerId> truth = truth(q);
                assertThat(ids(r)).as("%s", q).isSubsetOf(truth);
                if (!q.toString().contains("countries")) {
                    assertThat(ids(r)).contains(g.dhts.get(x).self());   // x matches: found by its genuine record
                } else {
                    assertThat(ids(r)).doesNotContain(g.dhts.get(x).self());
                }
                if (q.limit() == 0) {
                    assertThat(ids(r)).as("recall of %s", q).isEqualTo(truth);
                } else {
                    assertThat(r.matches()).hasSize(Math.min(q.limit(), truth.size()));
                }
                assertThat(r.matches()).allSatisfy(m -> assertThat(q.matches(m.record(), now)).isTrue());
                // 3 records that do not verify on each page of each key walked, from up to 3 holders per key;
                // the genuine misplaced record is not rejected (it would supersede an older entry of its node,
                // as a withdrawal's tombstone does) but lists nothing: its node is not returned for it
                assertThat(r.cost().recordsRejected()).as("rejected in %s", r.cost())
                        .isGreaterThanOrEqualTo(3 * r.cost().keysWalked()).isEqualTo(r.cost().recordsRejected() / 3 * 3);
            }
        } finally {
            honestHolders();
        }
        CapacityQueryResult clean = g.await(CapacityFinder.create(g.dhts.get(0)).find(CapacityQuery.builder().build()));
        assertThat(clean.cost().recordsRejected()).isZero();
        assertThat(clean.matches()).hasSize(N);
    }

    @Test
    void holderAnsweringGarbageIsCountedAndIgnored() {
        for (int i = 1; i < N; i++) {
            g.endpoints.get(i).setBehaviour((from, request, handler) -> {
                KadResponse honest = handler.handle(from, request);
                if (request instanceof KadRequest.GetValue get && get.key()[1] == 'g') {
                    return KadResponse.getValue(get.key(), Optional.of(KadRecord.of(get.key(), new byte[] {(byte) 0xff})),
                            honest.closerPeers());
                }
                return honest;
            });
        }
        try {
            CapacityQuery q = CapacityQuery.builder().countries("BE", "NL", "US", "DE").build();
            CapacityQueryResult r = g.await(CapacityFinder.create(g.dhts.get(0)).find(q));
            assertThat(ids(r)).isSubsetOf(truth(q));
            assertThat(r.cost().recordsRejected()).isGreaterThanOrEqualTo(r.cost().keysWalked());
        } finally {
            honestHolders();
        }
    }

    @Test
    void tokenOfAnotherQueryFailsWithIllegalArgument() {
        CapacityQuery q = CapacityQuery.builder().limit(2).build();
        CapacityQueryResult first = g.await(CapacityFinder.create(g.dhts.get(0)).find(q));
        assertThat(first.continuation()).isPresent();
        CapacityQuery other = CapacityQuery.builder().countries("BE").limit(2).build()
                .withContinuation(first.continuation().get());
        assertFailsWithIllegalArgument(CapacityFinder.create(g.dhts.get(0)).find(other));
        assertFailsWithIllegalArgument(CapacityFinder.create(g.dhts.get(0)).find(q.withContinuation("not base64 !")));
        // bound to the query but naming a plan it has no keys for (no farm filter), or no plan at all
        for (String plan : List.of("farm", "-", "nosuch")) {
            String text = "c2:" + Integer.toHexString(q.fingerprint().hashCode()) + ":" + plan + ":0:0";
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            assertFailsWithIllegalArgument(CapacityFinder.create(g.dhts.get(0)).find(q.withContinuation(token)));
        }
    }

    @Test
    void tokenWithNegativePositionFailsInsteadOfHanging() {
        // regression: a token bound to the query but naming key -1 passed parsing; the run then threw on the
        // scheduler thread and the future never completed
        CapacityQuery q = CapacityQuery.builder().limit(2).build();
        for (String pos : List.of("-1:0", "0:-5", "2147483647:0")) {
            String text = "c2:" + Integer.toHexString(q.fingerprint().hashCode()) + ":cores:" + pos;
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            CompletableFuture<CapacityQueryResult> f = CapacityFinder.create(g.dhts.get(0)).find(q.withContinuation(token));
            g.advance(Duration.ofSeconds(60));
            assertThat(f).as("token %s", pos).isDone();
            if (pos.equals("2147483647:0")) {
                assertThat(f.join().matches()).isEmpty();       // past the end: nothing more
            } else {
                assertFailsWithIllegalArgument(f);
            }
        }
    }

    private void assertFailsWithIllegalArgument(CompletableFuture<CapacityQueryResult> f) {
        g.net.runUntil(g.net.nanoTime() + Duration.ofSeconds(60).toNanos());
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
