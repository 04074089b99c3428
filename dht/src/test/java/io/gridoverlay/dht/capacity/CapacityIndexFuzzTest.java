package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import io.gridoverlay.dht.record.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jazzer fuzz tests of what the capacity index reads from the network. In the normal build each replays
 * its committed corpus (src/test/resources/.../CapacityIndexFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz}
 * fuzzes one of them. Key parsing may fail only with IllegalArgumentException; page and ack decoding as the
 * finder and publisher do it only with InvalidProtocolBufferException; a holder refuses writes only with
 * {@link IndexEntryRejectedException}, and keeps its bounds whatever it is sent.
 */
class CapacityIndexFuzzTest {
    private static final int SHARD = 3;
    private static final int PER_PEER = 4;
    private static final int MAX = 10;
    private static final List<PrivateKey> KEYS = List.of(CapacityFixtures.key(1), CapacityFixtures.key(2),
            CapacityFixtures.key(3), CapacityFixtures.key(4));
    /** Valid signed records of the four nodes, various seqs and bands, issued at T0 (some short-lived). */
    private static final List<byte[]> RECORDS = new ArrayList<>();

    static {
        int[] cores = {1, 8, 9, 64};
        for (PrivateKey k : KEYS) {
            for (int seq = 1; seq <= 3; seq++) {
                RECORDS.add(CapacityFixtures.signed(k, CapacityFixtures.record(k, seq, cores[(seq + k.hashCode()) & 3],
                        CapacityFixtures.T0).expiresAt(CapacityFixtures.T0.plusSeconds(seq * 200L))));
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void indexKeyParse(byte[] data) {
        IndexKey k;
        try {
            k = IndexKey.parse(data);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(k.bytes()).isEqualTo(data);   // only canonical text parses
        assertThat(IndexKey.parse(k.bytes())).isEqualTo(k);
    }

    @FuzzTest(maxDuration = "30s")
    void indexPageAndAckDecoding(FuzzedDataProvider in) {
        byte[] keyBytes = in.consumeBytes(in.consumeInt(0, 70));
        byte[] value = in.consumeRemainingAsBytes();
        // as the publisher reads a holder's answer
        IndexAck.ofTimeReceived(new String(value, java.nio.charset.StandardCharsets.ISO_8859_1));
        // as the finder reads a page
        IndexPage page;
        try {
            page = IndexPage.parseFrom(value);
        } catch (InvalidProtocolBufferException expected) {
            return;
        }
        IndexKey key;
        try {
            key = IndexKey.parse(keyBytes);
        } catch (IllegalArgumentException e) {
            key = IndexKey.of(IndexAttribute.CORES, "4");
        }
        for (ByteString entry : page.getRecordsList()) {
            Verification<SignedRecord<CapacityRecord>> v = CapacityRecord.open(entry.toByteArray(), CapacityFixtures.T0);
            if (v instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok) {
                IndexKeys.belongs(ok.value().record(), key);
                CapacityQuery.builder().build().matches(ok.value().record(), CapacityFixtures.T0);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void storePut(FuzzedDataProvider in) {
        MutableClock clock = new MutableClock(CapacityFixtures.T0);
        CapacityIndexStore store = new CapacityIndexStore(CapacityIndexConfig.defaults().withShardCapacity(SHARD)
                .withMaxEntries(PER_PEER, MAX).withClock(clock));
        Set<String> keysSeen = new LinkedHashSet<>();
        int ops = in.consumeInt(1, 40);
        for (int op = 0; op < ops && in.remainingBytes() > 0; op++) {
            PrivateKey sender = KEYS.get(in.consumeInt(0, KEYS.size() - 1));
            byte[] key;
            if (in.consumeBoolean()) {
                IndexAttribute a = in.pickValue(IndexAttribute.values());
                String value = in.pickValue(new String[] {"0", "1", "4", "5", "7", "BE", "certified", "gold"});
                key = new IndexKey(a, value, in.consumeInt(0, 4)).bytes();
            } else {
                key = in.consumeBytes(in.consumeInt(0, 80));
            }
            byte[] value;
            int kind = in.consumeInt(0, 3);
            if (kind <= 1) {
                value = RECORDS.get(in.consumeInt(0, RECORDS.size() - 1));
            } else if (kind == 2) {
                value = RECORDS.get(in.consumeInt(0, RECORDS.size() - 1)).clone();
                if (value.length > 0) {
                    value[in.consumeInt(0, value.length - 1)] ^= (byte) in.consumeInt(1, 255);
                }
            } else {
                value = in.consumeBytes(in.consumeInt(0, 600));
            }
            clock.advance(Duration.ofSeconds(in.consumeInt(0, 300)));
            try {
                KadRecord echo = store.put(PeerInfo.of(sender.peerId()), KadRecord.of(key, value));
                assertThat(IndexAck.ofTimeReceived(echo.timeReceived())).isPresent();
                assertThat(echo.value()).isEqualTo(value);
                keysSeen.add(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (IndexEntryRejectedException expected) {
                // typed rejection
            }
            assertThat(store.size()).isBetween(0, MAX);
            checkHeld(store, keysSeen);
        }
    }

    /**
     * Every record served is a valid record of the node that wrote it, within quotas; at most a shard's capacity
     * of them belong under the key (live entries), the others are tombstones: newer records of nodes that left.
     */
    private static void checkHeld(CapacityIndexStore store, Set<String> keys) {
        Map<PeerId, Integer> perPeer = new HashMap<>();
        int served = 0;
        for (String text : keys) {
            byte[] key = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            var rec = store.get(PeerInfo.of(KEYS.get(0).peerId()), key);
            if (rec.isEmpty()) {
                continue;
            }
            IndexPage page;
            try {
                page = IndexPage.parseFrom(rec.get().value());
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            IndexKey k = IndexKey.parse(key);
            int live = 0;
            for (ByteString b : page.getRecordsList()) {
                CapacityRecord r = CapacityRecord.decode(Envelope.open(b.toByteArray(), CapacityRecord.DOMAIN).payload());
                if (IndexKeys.belongs(r, k)) {
                    live++;
                }
                perPeer.merge(r.nodeId(), 1, Integer::sum);
                served++;
            }
            assertThat(live).isBetween(0, SHARD);
            assertThat(page.getRecordsCount()).isBetween(1, MAX);
        }
        assertThat(served).isLessThanOrEqualTo(store.size());
        assertThat(perPeer.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PER_PEER));
        assertThat(Arrays.asList(perPeer.keySet().toArray())).hasSizeLessThanOrEqualTo(KEYS.size());
    }
}
