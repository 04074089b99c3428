package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.T0;
import static io.gridoverlay.dht.capacity.CapacityFixtures.badSignature;
import static io.gridoverlay.dht.capacity.CapacityFixtures.cores;
import static io.gridoverlay.dht.capacity.CapacityFixtures.key;
import static io.gridoverlay.dht.capacity.CapacityFixtures.record;
import static io.gridoverlay.dht.capacity.CapacityFixtures.signed;
import static io.gridoverlay.dht.capacity.CapacityFixtures.signedByOther;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.capacity.IndexEntryRejectedException.Reason;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import io.gridoverlay.dht.record.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The holder side of the capacity index: every rule of {@link CapacityIndexStore#put} refuses bad input with
 * its typed reason and leaves the store as it was; withdrawals, caps and expiry.
 */
class CapacityIndexStoreTest {
    private final MutableClock clock = new MutableClock(T0);
    private final PrivateKey a = key(1);
    private final PrivateKey b = key(2);
    private final PrivateKey c = key(3);

    private CapacityIndexStore store(CapacityIndexConfig config) {
        return new CapacityIndexStore(config.withClock(clock));
    }

    private CapacityIndexStore store() {
        return store(CapacityIndexConfig.defaults());
    }

    private static IndexAck put(CapacityIndexStore s, PrivateKey from, IndexKey key, byte[] value) {
        return put(s, from, key.bytes(), value);
    }

    private static IndexAck put(CapacityIndexStore s, PrivateKey from, byte[] key, byte[] value) {
        KadRecord echo = s.put(PeerInfo.of(from.peerId()), KadRecord.of(key, value));
        assertThat(echo.value()).as("the answer echoes the record").isEqualTo(value);
        return IndexAck.ofTimeReceived(echo.timeReceived()).orElseThrow(() -> new AssertionError("no index outcome"));
    }

    private static Reason rejected(CapacityIndexStore s, PrivateKey from, byte[] key, byte[] value) {
        IndexEntryRejectedException e = catchThrowableOfType(IndexEntryRejectedException.class,
                () -> s.put(PeerInfo.of(from.peerId()), KadRecord.of(key, value)));
        assertThat(e).as("refused").isNotNull();
        return e.indexReason();
    }

    private static Reason rejected(CapacityIndexStore s, PrivateKey from, IndexKey key, byte[] value) {
        return rejected(s, from, key.bytes(), value);
    }

    private static IndexPage page(CapacityIndexStore s, IndexKey key) {
        return s.get(PeerInfo.of(key(99).peerId()), key.bytes()).map(r -> {
            try {
                return IndexPage.parseFrom(r.value());
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }).orElse(IndexPage.getDefaultInstance());
    }

    /** What the store shows: entry count, key count, and each key's page. */
    private static Map<String, Object> state(CapacityIndexStore s, IndexKey... keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", s.size());
        m.put("keys", s.keyCount());
        for (IndexKey k : keys) {
            m.put(k.toString(), page(s, k));
        }
        return m;
    }

    /** {@code k} in the shard at level {@code depth} of {@code who}'s path down its shard tree. */
    private static IndexKey onPath(IndexKey k, PrivateKey who, int depth) {
        return k.shard(IndexKey.pathShard(IndexKey.path(who.peerId()), depth));
    }

    private static List<ByteString> held(CapacityIndexStore s, IndexKey key) {
        return page(s, key).getRecordsList();
    }

    // ---- bad input, each refused with its reason and without a trace

    @Test
    void forgedSignatureIsRejectedAsInvalid() {
        CapacityIndexStore s = store();
        byte[] good = signed(a, record(a, 1, 8, clock.instant()));
        Map<String, Object> before = state(s, cores(8));
        assertThat(rejected(s, a, cores(8), badSignature(good))).isEqualTo(Reason.INVALID);
        assertThat(state(s, cores(8))).isEqualTo(before);
        assertThat(s.size()).isZero();
    }

    @Test
    void tamperedPayloadIsRejectedAsInvalid() {
        CapacityIndexStore s = store();
        byte[] good = signed(a, record(a, 1, 8, clock.instant()));
        byte[] tampered = replace(good, "Brussels", "Brusselz");
        assertThat(rejected(s, a, cores(8), tampered)).isEqualTo(Reason.INVALID);
        assertThat(s.size()).isZero();
        assertThat(held(s, cores(8))).isEmpty();
    }

    @Test
    void recordSignedByAnotherKeyIsRejectedAsInvalid() {
        CapacityIndexStore s = store();
        CapacityRecord ofA = record(a, 1, 8, clock.instant()).build();
        // b wraps a's record in its own envelope and writes it itself
        assertThat(rejected(s, b, cores(8), signedByOther(b, ofA))).isEqualTo(Reason.INVALID);
        assertThat(rejected(s, a, cores(8), signedByOther(b, ofA))).isEqualTo(Reason.INVALID);
        assertThat(s.size()).isZero();
    }

    @Test
    void garbageValueIsRejectedAsInvalid() {
        CapacityIndexStore s = store();
        assertThat(rejected(s, a, cores(8), new byte[] {1, 2, 3})).isEqualTo(Reason.INVALID);
        assertThat(rejected(s, a, cores(8), new byte[0])).isEqualTo(Reason.INVALID);
        assertThat(s.size()).isZero();
    }

    @Test
    void expiredRecordIsRejectedAsExpired() {
        CapacityIndexStore s = store();
        byte[] old = signed(a, record(a, 1, 8, clock.instant().minusSeconds(700)));
        assertThat(rejected(s, a, cores(8), old)).isEqualTo(Reason.EXPIRED);
        assertThat(state(s, cores(8))).isEqualTo(state(store(), cores(8)));
    }

    @Test
    void recordHeldThenExpiredIsRefusedWhenWrittenAgain() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()));
        assertThat(put(s, a, cores(8), r)).isEqualTo(IndexAck.STORED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(rejected(s, a, cores(8), r)).isEqualTo(Reason.EXPIRED);
        assertThat(held(s, cores(8))).isEmpty();
    }

    @Test
    void misBandedEntryIsRejected() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()));   // cores band 4, BE, farm 7, certified
        List<IndexKey> wrong = List.of(cores(4), cores(16), IndexKey.of(IndexAttribute.COUNTRY, "NL"),
                IndexKey.of(IndexAttribute.FARM, "8"), IndexKey.of(IndexAttribute.CERTIFIED, "gold"),
                IndexKey.of(IndexAttribute.GPU, "5"), IndexKey.of(IndexAttribute.MEMORY, "6"),
                IndexKey.of(IndexAttribute.GEO, "u00"));
        for (IndexKey k : wrong) {
            assertThat(rejected(s, a, k, r)).as("under %s", k).isEqualTo(Reason.MIS_BANDED);
        }
        assertThat(s.size()).isZero();
        assertThat(s.keyCount()).isZero();
        // the same record is fine under each key it does belong to, in any shard of its path
        for (IndexKey k : IndexKeys.of(record(a, 1, 8, clock.instant()).build())) {
            assertThat(put(s, a, onPath(k, a, 3), r)).as("under %s", k).isEqualTo(IndexAck.STORED);
        }
    }

    @Test
    void entryOffTheWritersPathIsRejectedAsMisSharded() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()));
        for (int depth = 1; depth <= IndexKey.MAX_DEPTH; depth += 4) {
            IndexKey mine = onPath(cores(8), a, depth);
            // the sibling of a's shard at this level: the other child of the same parent
            int sibling = mine.shard() % 2 == 1 ? mine.shard() + 1 : mine.shard() - 1;
            Map<String, Object> before = state(s, cores(8).shard(sibling));
            assertThat(rejected(s, a, cores(8).shard(sibling), r)).as("level %d", depth).isEqualTo(Reason.MIS_SHARDED);
            assertThat(state(s, cores(8).shard(sibling))).isEqualTo(before);
        }
        assertThat(s.size()).isZero();
        // a withdrawal is a write too: off the path it withdraws nothing
        assertThat(put(s, a, onPath(cores(8), a, 2), r)).isEqualTo(IndexAck.STORED);
        int other = IndexKey.pathShard(IndexKey.path(b.peerId()), 2);
        if (other != onPath(cores(8), a, 2).shard()) {
            byte[] moved = signed(a, record(a, 2, 2, clock.instant()));
            assertThat(rejected(s, a, cores(8).shard(other), moved)).isEqualTo(Reason.MIS_SHARDED);
        }
        assertThat(held(s, onPath(cores(8), a, 2))).hasSize(1);
    }

    @Test
    void replayedOldSeqAfterNewerIsRejectedAsStale() {
        CapacityIndexStore s = store();
        byte[] v1 = signed(a, record(a, 1, 8, clock.instant()));
        byte[] v2 = signed(a, record(a, 2, 9, clock.instant()));
        assertThat(put(s, a, cores(8), v1)).isEqualTo(IndexAck.STORED);
        assertThat(put(s, a, cores(8), v2)).isEqualTo(IndexAck.STORED);
        Map<String, Object> before = state(s, cores(8));
        assertThat(rejected(s, a, cores(8), v1)).isEqualTo(Reason.STALE);
        assertThat(state(s, cores(8))).isEqualTo(before);
        assertThat(held(s, cores(8))).containsExactly(ByteString.copyFrom(v2));
    }

    @Test
    void sameSeqDifferentBytesIsRejectedAsStale() {
        CapacityIndexStore s = store();
        byte[] first = signed(a, record(a, 5, 8, clock.instant()));
        byte[] other = signed(a, record(a, 5, 9, clock.instant()));
        assertThat(put(s, a, cores(8), first)).isEqualTo(IndexAck.STORED);
        assertThat(rejected(s, a, cores(8), other)).isEqualTo(Reason.STALE);
        assertThat(held(s, cores(8))).containsExactly(ByteString.copyFrom(first));
        // the identical bytes again are a refresh, not a conflict
        assertThat(put(s, a, cores(8), first)).isEqualTo(IndexAck.STORED);
        assertThat(s.size()).isOne();
    }

    @Test
    void oversizedEntryIsRejected() {
        CapacityIndexStore s = store();
        CapacityRecord.Builder big = record(a, 1, 8, clock.instant());
        for (int i = 0; i < 32; i++) {
            big.addBenchmark(new CapacityRecord.Benchmark("x".repeat(120) + i, i, "y".repeat(120)));
        }
        byte[] bytes = signed(a, big);
        assertThat(bytes.length).isGreaterThan(CapacityIndexConfig.defaults().maxEntryBytes());
        assertThat(rejected(s, a, cores(8), bytes)).isEqualTo(Reason.OVERSIZED);
        assertThat(s.size()).isZero();
        // one byte under the limit of a store configured to exactly this size is fine
        CapacityIndexConfig d = CapacityIndexConfig.defaults();
        CapacityIndexStore exact = store(new CapacityIndexConfig(d.shardCapacity(), bytes.length, d.maxEntriesPerPeer(),
                d.maxEntries(), d.spillAbove(), d.maxEntryTtl(), d.recordTtl(), d.refreshInterval(), d.replicas(), d.clock()));
        assertThat(put(exact, a, cores(8), bytes)).isEqualTo(IndexAck.STORED);
    }

    @Test
    void foreignWrittenEntryIsRejected() {
        CapacityIndexStore s = store();
        byte[] ofA = signed(a, record(a, 1, 8, clock.instant()));
        assertThat(rejected(s, b, cores(8), ofA)).isEqualTo(Reason.FOREIGN_WRITER);
        assertThat(s.size()).isZero();
        // nor can b replace or withdraw a's entry with a's own newer record
        assertThat(put(s, a, cores(8), ofA)).isEqualTo(IndexAck.STORED);
        byte[] aMoved = signed(a, record(a, 2, 2, clock.instant()));
        assertThat(rejected(s, b, cores(8), aMoved)).isEqualTo(Reason.FOREIGN_WRITER);
        assertThat(held(s, cores(8))).containsExactly(ByteString.copyFrom(ofA));
    }

    @Test
    void malformedKeysAreRejected() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()));
        List<String> bad = List.of(
                "/ipns/cores/4/0",            // wrong namespace
                "/gidxx/cores/4/0",
                "gidx/cores/4/0",
                "/gidx/cores/4",              // no shard
                "/gidx/cores/4/0/1",
                "/gidx/cores/4/x",            // bad shard text
                "/gidx/cores/4/01",
                "/gidx/cores/4/+1",
                "/gidx/cores/4/-1",
                "/gidx/cores/4/" + (IndexKey.MAX_SHARD + 1),
                "/gidx/cores/4/99999999999",
                "/gidx/colour/4/0",           // unknown attribute
                "/gidx/CORES/4/0",
                "/gidx/cores//0",             // bad value
                "/gidx/cores/a b/0",
                "/gidx/cores/4\u00e9/0",
                "/gidx/country/" + "A".repeat(33) + "/0",
                "/gidx/farm/" + "1".repeat(60) + "/0"); // too long
        for (String k : bad) {
            assertThat(rejected(s, a, k.getBytes(StandardCharsets.UTF_8), r)).as(k).isEqualTo(Reason.MALFORMED_KEY);
        }
        assertThat(rejected(s, a, new byte[] {'/', 'g', 'i', 'd', 'x', '/', (byte) 0xff, '/', '4', '/', '0'}, r))
                .isEqualTo(Reason.MALFORMED_KEY);
        assertThat(s.size()).isZero();
        assertThat(s.keyCount()).isZero();
    }

    @Test
    void nodeFloodingIndexKeysIsCappedByPeerQuota() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()));
        int quota = CapacityIndexConfig.defaults().maxEntriesPerPeer();
        // every shard on its path down a key's tree is a distinct index key: a flooder tries them all
        int stored = 0;
        Reason last = null;
        assertThat(IndexKey.MAX_DEPTH + 1).isGreaterThan(quota);
        for (int depth = 0; depth <= IndexKey.MAX_DEPTH; depth++) {
            try {
                put(s, a, onPath(cores(8), a, depth), r);
                stored++;
            } catch (IndexEntryRejectedException e) {
                last = e.indexReason();
                assertThat(e.indexReason()).isEqualTo(Reason.PEER_QUOTA);
            }
        }
        assertThat(stored).isEqualTo(quota);
        assertThat(last).isEqualTo(Reason.PEER_QUOTA);
        assertThat(s.size()).isEqualTo(quota);
        // others still get in
        assertThat(put(s, b, cores(8), signed(b, record(b, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        // and a's quota frees up as its entries lapse
        clock.advance(Duration.ofMinutes(10));
        assertThat(put(s, a, cores(8), signed(a, record(a, 2, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
    }

    @Test
    void storeWideCapAnswersStoreFull() {
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withMaxEntries(16, 5));
        for (int i = 0; i < 5; i++) {
            PrivateKey k = key(10 + i);
            assertThat(put(s, k, cores(8), signed(k, record(k, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        }
        PrivateKey late = key(20);
        byte[] lateRecord = signed(late, record(late, 1, 8, clock.instant()));
        Map<String, Object> before = state(s, cores(8));
        assertThat(rejected(s, late, cores(8), lateRecord)).isEqualTo(Reason.STORE_FULL);
        assertThat(state(s, cores(8))).isEqualTo(before);
        assertThat(s.size()).isEqualTo(5);
        // a refresh of a held entry is not a new entry
        PrivateKey first = key(10);
        assertThat(put(s, first, cores(8), signed(first, record(first, 2, 9, clock.instant()))))
                .isEqualTo(IndexAck.STORED);
        // once the entries lapse there is room again
        clock.advance(Duration.ofMinutes(10));
        lateRecord = signed(late, record(late, 2, 8, clock.instant()));
        assertThat(put(s, late, cores(8), lateRecord)).isEqualTo(IndexAck.STORED);
        assertThat(s.size()).isOne();
    }

    @Test
    void shardCapAnswersFullAndTheShardBelowOnThePathTakesTheNode() {
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withShardCapacity(2));
        for (PrivateKey k : List.of(a, b)) {
            assertThat(put(s, k, cores(8), signed(k, record(k, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        }
        assertThat(page(s, cores(8)).getFull()).isTrue();
        Map<String, Object> before = state(s, cores(8));
        byte[] ofC = signed(c, record(c, 1, 8, clock.instant()));
        assertThat(put(s, c, cores(8), ofC)).isEqualTo(IndexAck.FULL);
        assertThat(state(s, cores(8))).isEqualTo(before);
        assertThat(put(s, c, onPath(cores(8), c, 1), ofC)).isEqualTo(IndexAck.STORED);
        assertThat(page(s, onPath(cores(8), c, 1)).getFull()).isFalse();
        // a node already held refreshes even when the shard is full
        assertThat(put(s, a, cores(8), signed(a, record(a, 2, 9, clock.instant())))).isEqualTo(IndexAck.STORED);
    }

    /** Finding 5 of docs/capacity-simulation.md: the busiest holder of a 10,000-node grid carried 5.2x the mean. */
    @Test
    void aHolderAboveItsShareSendsNewcomersOnWhateverTheShardAndTellsReadersToFollow() {
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withSpillAbove(2));
        assertThat(put(s, a, cores(8), signed(a, record(a, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, b, cores(2), signed(b, record(b, 1, 2, clock.instant())))).isEqualTo(IndexAck.STORED);
        // two entries held: a newcomer under a third key, with a shard that is nowhere near full, goes on
        byte[] ofC = signed(c, record(c, 1, 4, clock.instant()));
        assertThat(put(s, c, cores(4), ofC)).isEqualTo(IndexAck.FULL);
        assertThat(s.size()).isEqualTo(2);
        assertThat(page(s, cores(4)).getRecordsCount()).isZero();
        assertThat(page(s, cores(4)).getFull()).as("readers follow the writer down to the children").isTrue();
        // and a newcomer under a key this holder already serves: that shard reads as full from now on
        assertThat(put(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant())))).isEqualTo(IndexAck.FULL);
        assertThat(page(s, cores(8)).getFull()).isTrue();
        assertThat(held(s, cores(8))).hasSize(1);
        // nodes already held still refresh, and withdraw
        assertThat(put(s, a, cores(8), signed(a, record(a, 2, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, b, cores(2), signed(b, record(b, 2, 8, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void aShardThatSentAWriterOnStaysFullForReadersUntilThatEntryCanHaveLapsed() {
        // regression: after a withdrawal (or an expiry) left room in shard 0, readers were told "not full"
        // and stopped there, missing the node that shard 0 had sent on to shard 1
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withShardCapacity(2));
        for (PrivateKey k : List.of(a, b)) {
            assertThat(put(s, k, cores(8), signed(k, record(k, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        }
        assertThat(put(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant())))).isEqualTo(IndexAck.FULL);
        // a moves to another band: its entry here is withdrawn, one of two places is free again
        assertThat(put(s, a, cores(8), signed(a, record(a, 2, 1, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        assertThat(held(s, cores(8))).hasSize(2); // b's entry and a's tombstone
        assertThat(page(s, cores(8)).getFull()).isTrue();
        // once c's entry in a child shard can have lapsed (holder TTL), the shard is judged by its size again
        clock.advance(CapacityIndexConfig.defaults().maxEntryTtl().minusSeconds(1));
        assertThat(page(s, cores(8)).getFull()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(s.get(PeerInfo.of(key(99).peerId()), cores(8).bytes())).isEmpty();
        assertThat(put(s, a, cores(8), signed(a, record(a, 3, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(page(s, cores(8)).getFull()).isFalse();
    }

    @Test
    void expiredEntriesDoNotMakeAShardFull() {
        // regression: the shard cap counted entries already past their expiry, so a holder answered a writer
        // FULL (sending it to a child shard) while telling readers the shard was not full (they then never
        // read the children, and miss the writer)
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withShardCapacity(2));
        assertThat(put(s, a, cores(8), signed(a, record(a, 1, 8, clock.instant()).expiresAt(clock.instant()
                .plusSeconds(60))))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, b, cores(8), signed(b, record(b, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        clock.advance(Duration.ofSeconds(61));   // a's entry lapsed; no sweep is due yet
        assertThat(put(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(held(s, cores(8))).hasSize(2);
        assertThat(page(s, cores(8)).getFull()).isTrue();
        assertThat(s.size()).isEqualTo(2);
    }

    // ---- withdrawal

    @Test
    void newerSeqThatLeftTheBandWithdrawsTheOldEntry() {
        CapacityIndexStore s = store();
        assertThat(put(s, a, cores(8), signed(a, record(a, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, b, cores(8), signed(b, record(b, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        byte[] moved = signed(a, record(a, 2, 2, clock.instant()));
        assertThat(put(s, a, cores(8), moved)).isEqualTo(IndexAck.WITHDRAWN);
        // a's entry became a tombstone holding the newer record: served, so that a reader who also gets a's old
        // entry from a holder the withdrawal missed sees that a moved; it takes the same slot
        assertThat(held(s, cores(8))).hasSize(2).contains(ByteString.copyFrom(moved));
        assertThat(s.size()).isEqualTo(2);
        // a second withdrawal with the same record changes nothing
        Map<String, Object> before = state(s, cores(8));
        assertThat(rejected(s, a, cores(8), moved)).isEqualTo(Reason.MIS_BANDED);
        assertThat(state(s, cores(8))).isEqualTo(before);
        // tombstones lapse like entries; then the key is gone
        assertThat(put(s, b, cores(8), signed(b, record(b, 2, 2, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        assertThat(s.keyCount()).isOne();
        clock.advance(CapacityIndexConfig.defaults().maxEntryTtl().plusSeconds(1));
        assertThat(s.get(PeerInfo.of(key(99).peerId()), cores(8).bytes())).isEmpty();
        assertThat(s.keyCount()).isZero();
        assertThat(s.size()).isZero();
    }

    @Test
    void aTombstoneLeavesRoomInItsShardAndANodeMovingBackTakesItOnlyIfThereIsRoom() {
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withShardCapacity(2));
        assertThat(put(s, a, cores(8), signed(a, record(a, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, b, cores(8), signed(b, record(b, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(put(s, a, cores(8), signed(a, record(a, 2, 1, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        // a's tombstone does not count: c takes the free place, and the shard is full again
        assertThat(put(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant())))).isEqualTo(IndexAck.STORED);
        assertThat(page(s, cores(8)).getFull()).isTrue();
        // a moves back: no room now, so it goes on down its path like any newcomer
        byte[] back = signed(a, record(a, 3, 8, clock.instant()));
        assertThat(put(s, a, cores(8), back)).isEqualTo(IndexAck.FULL);
        assertThat(held(s, cores(8))).doesNotContain(ByteString.copyFrom(back));
        // once c leaves, a moving back takes the place (its tombstone becomes an entry again)
        assertThat(put(s, c, cores(8), signed(c, record(c, 2, 1, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        byte[] again = signed(a, record(a, 4, 8, clock.instant()));
        assertThat(put(s, a, cores(8), again)).isEqualTo(IndexAck.STORED);
        assertThat(held(s, cores(8))).contains(ByteString.copyFrom(again));
        // an older record cannot revive a tombstone
        assertThat(put(s, c, cores(8), signed(c, record(c, 3, 1, clock.instant())))).isEqualTo(IndexAck.WITHDRAWN);
        assertThat(rejected(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant())))).isEqualTo(Reason.STALE);
    }

    @Test
    void olderSeqCannotWithdraw() {
        CapacityIndexStore s = store();
        byte[] v2 = signed(a, record(a, 2, 8, clock.instant()));
        assertThat(put(s, a, cores(8), v2)).isEqualTo(IndexAck.STORED);
        Map<String, Object> before = state(s, cores(8));
        assertThat(rejected(s, a, cores(8), signed(a, record(a, 1, 2, clock.instant())))).isEqualTo(Reason.MIS_BANDED);
        assertThat(rejected(s, a, cores(8), signed(a, record(a, 2, 2, clock.instant())))).isEqualTo(Reason.MIS_BANDED);
        assertThat(state(s, cores(8))).isEqualTo(before);
        assertThat(held(s, cores(8))).containsExactly(ByteString.copyFrom(v2));
    }

    // ---- expiry

    @Test
    void entryLapsesAtTheRecordsExpiry() {
        CapacityIndexStore s = store();
        byte[] r = signed(a, record(a, 1, 8, clock.instant()).expiresAt(clock.instant().plusSeconds(300)));
        put(s, a, cores(8), r);
        clock.advance(Duration.ofSeconds(300).minusMillis(1));
        assertThat(held(s, cores(8))).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(held(s, cores(8))).isEmpty();
        assertThat(s.size()).isZero();
        assertThat(s.keyCount()).isZero();
    }

    @Test
    void entryLapsesAtMostMaxEntryTtlAfterItsLastWrite() {
        CapacityIndexStore s = store();
        // a record valid for a day is kept only maxEntryTtl (10 min) after each write
        byte[] r = signed(a, record(a, 1, 8, clock.instant()).expiresAt(clock.instant().plus(Duration.ofDays(1))));
        put(s, a, cores(8), r);
        clock.advance(Duration.ofMinutes(6));
        put(s, a, cores(8), r);                   // refresh: 10 minutes from now
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(held(s, cores(8))).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(held(s, cores(8))).isEmpty();
        assertThat(s.size()).isZero();
    }

    @Test
    void sweepReleasesQuotaOfLapsedEntriesWithoutReads() {
        CapacityIndexStore s = store(CapacityIndexConfig.defaults().withMaxEntries(2, 3));
        put(s, a, cores(8), signed(a, record(a, 1, 8, clock.instant())));
        put(s, a, onPath(cores(8), a, 1), signed(a, record(a, 1, 8, clock.instant())));
        put(s, b, cores(8), signed(b, record(b, 1, 8, clock.instant())));
        assertThat(s.size()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(11));
        List<IndexAck> out = new ArrayList<>();
        out.add(put(s, c, cores(8), signed(c, record(c, 1, 8, clock.instant()))));
        out.add(put(s, a, cores(8), signed(a, record(a, 2, 8, clock.instant()))));
        out.add(put(s, a, onPath(cores(8), a, 1), signed(a, record(a, 2, 8, clock.instant()))));
        assertThat(out).containsOnly(IndexAck.STORED);
        assertThat(s.size()).isEqualTo(3);
    }

    private static byte[] replace(byte[] in, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + f.length <= in.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (in[i + j] != f[j]) {
                    continue outer;
                }
            }
            byte[] out = in.clone();
            System.arraycopy(t, 0, out, i, t.length);
            return out;
        }
        throw new AssertionError(from + " not found");
    }
}
