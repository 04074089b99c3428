package io.gridoverlay.dht.record;

import static io.gridoverlay.dht.record.VersionValidator.key;
import static io.gridoverlay.dht.record.VersionValidator.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.record.RecordRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordStoreTest {
    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    final Validators validators = Validators.builder().add(new VersionValidator()).add(new PublicKeyValidator()).build();

    RecordStore store(RecordStoreConfig.Builder b) {
        return new RecordStore(b.clock(clock).build(), validators);
    }

    @Test
    void aStoreNeverWrittenAnswersEveryReadAsEmpty() {
        // its cache is created on the first write
        RecordStore s = store(RecordStoreConfig.builder());
        assertThat(s.get(key("a"))).isEmpty();
        assertThat(s.remove(key("a"))).isFalse();
        assertThat(s.size()).isZero();
        assertThat(s.totalBytes()).isZero();
        s.cleanUp();
        s.put(KadRecord.of(key("a"), value("1")));
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.remove(key("a"))).isTrue();
    }

    @Test
    void storesWithTimeReceivedAndReturnsIt() {
        RecordStore s = store(RecordStoreConfig.builder());
        KadRecord stored = s.put(KadRecord.of(key("a"), value("1")));
        // js-libp2p's strict parseRFC3339 needs the fractional digits that Instant.toString() drops
        assertThat(stored.timeReceived()).isEqualTo("2025-03-01T12:00:00.000000000Z");
        assertThat(s.get(key("a"))).contains(stored);
        assertThat(s.get(key("b"))).isEmpty();
    }

    @Test
    void invalidAndUnknownNamespaceRecordsAreNeverStored() {
        RecordStore s = store(RecordStoreConfig.builder());
        assertThatThrownBy(() -> s.put(KadRecord.of(key("a"), value("x"))))
                .isInstanceOfSatisfying(RecordRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessageContaining("not a version");
        assertThatThrownBy(() -> s.put(KadRecord.of("/ipns/x".getBytes(), value("1"))))
                .isInstanceOfSatisfying(RecordRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_NAMESPACE));
        assertThatThrownBy(() -> s.put(KadRecord.of("nonamespace".getBytes(), value("1"))))
                .isInstanceOf(RecordRejectedException.class);
        assertThat(s.size()).isZero();
    }

    @Test
    void replacementOnlyWhenTheValidatorPrefersTheNewRecord() {
        RecordStore s = store(RecordStoreConfig.builder());
        s.put(KadRecord.of(key("a"), value("5")));
        assertThatThrownBy(() -> s.put(KadRecord.of(key("a"), value("4"))))
                .isInstanceOfSatisfying(RecordRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SELECTED));
        assertThatThrownBy(() -> s.put(KadRecord.of(key("a"), value("5:other"))))
                .isInstanceOf(RecordRejectedException.class);
        assertThat(s.get(key("a")).orElseThrow().value()).isEqualTo(value("5"));
        s.put(KadRecord.of(key("a"), value("6")));
        assertThat(s.get(key("a")).orElseThrow().value()).isEqualTo(value("6"));
    }

    @Test
    void recordsExpireAfterTheTtlFromTimeReceived() {
        RecordStore s = store(RecordStoreConfig.builder());
        s.put(KadRecord.of(key("a"), value("1")));
        clock.advance(Duration.ofHours(35));
        assertThat(s.get(key("a"))).isPresent();
        clock.advance(Duration.ofHours(1));
        assertThat(s.get(key("a"))).isEmpty();
        s.cleanUp();
        assertThat(s.size()).isZero();
        // an expired record does not block a lower version any more
        s.put(KadRecord.of(key("a"), value("0")));
        assertThat(s.get(key("a"))).isPresent();
    }

    @Test
    void configurableTtl() {
        RecordStore s = store(RecordStoreConfig.builder().recordTtl(Duration.ofMinutes(5)));
        s.put(KadRecord.of(key("a"), value("1")));
        clock.advance(Duration.ofMinutes(5));
        assertThat(s.get(key("a"))).isEmpty();
    }

    @Test
    void tooLargeRecordsAreRejected() {
        RecordStore s = store(RecordStoreConfig.builder().maxBytes(1000).maxRecords(10).maxRecordBytes(100));
        assertThatThrownBy(() -> s.put(KadRecord.of(key("a"), value("1:" + "z".repeat(100)))))
                .isInstanceOfSatisfying(RecordRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void neitherBoundIsEverExceeded() {
        qt().withFixedSeed(0x2501L).withExamples(30)
                .forAll(lists().of(integers().between(1, 300)).ofSizeBetween(1, 200))
                .checkAssert(sizes -> {
            RecordStore s = store(RecordStoreConfig.builder().maxRecords(20).maxBytes(2000).maxRecordBytes(400));
            int i = 0;
            for (int len : sizes) {
                s.put(KadRecord.of(key("k" + i++), value("1:" + "z".repeat(len))));
                s.cleanUp();
                assertThat(s.size()).isLessThanOrEqualTo(20);
                assertThat(s.totalBytes()).isLessThanOrEqualTo(2000);
            }
        });
    }

    @Test
    void persistenceIsWrittenThroughAndReloaded() {
        Persistence p = Persistence.inMemory();
        RecordStore s = store(RecordStoreConfig.builder().persistence(p));
        s.put(KadRecord.of(key("a"), value("1")));
        s.put(KadRecord.of(key("b"), value("2")));
        s.remove(key("b"));
        assertThat(p.loadAll()).hasSize(1);
        RecordStore again = store(RecordStoreConfig.builder().persistence(p));
        assertThat(again.get(key("a")).orElseThrow().value()).isEqualTo(value("1"));
        clock.advance(Duration.ofHours(37));
        RecordStore expired = store(RecordStoreConfig.builder().persistence(p));
        assertThat(expired.size()).isZero();
        assertThat(p.loadAll()).isEmpty();
    }
}
