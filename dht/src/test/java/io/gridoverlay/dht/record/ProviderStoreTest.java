package io.gridoverlay.dht.record;

import static io.gridoverlay.dht.protocol.KadFixtures.info;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.dht.protocol.PeerInfo;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProviderStoreTest {
    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    final byte[] key = {1, 2, 3};

    ProviderStore store(ProviderStoreConfig.Builder b) {
        return new ProviderStore(b.clock(clock).build());
    }

    @Test
    void aStoreNeverWrittenAnswersEveryReadAsEmpty() {
        // its cache is created on the first write
        ProviderStore s = store(ProviderStoreConfig.builder());
        assertThat(s.providers(key)).isEmpty();
        assertThat(s.isProvider(key, info(1, 1).peerId())).isFalse();
        assertThat(s.keyCount()).isZero();
        assertThat(s.entryCount()).isZero();
        s.cleanUp();
        s.addProvider(key, info(1, 1));
        assertThat(s.keyCount()).isEqualTo(1);
    }

    @Test
    void providersAreListedNewestFirstAndReAddingRefreshes() {
        ProviderStore s = store(ProviderStoreConfig.builder());
        s.addProvider(key, info(1, 1));
        clock.advance(Duration.ofSeconds(1));
        s.addProvider(key, info(2, 1));
        assertThat(s.providers(key)).containsExactly(info(2, 1), info(1, 1));
        clock.advance(Duration.ofSeconds(1));
        PeerInfo moved = new PeerInfo(info(1, 1).peerId(), info(9, 2).addresses());
        s.addProvider(key, moved);
        assertThat(s.providers(key)).containsExactly(moved, info(2, 1));
        assertThat(s.providers(new byte[] {9})).isEmpty();
    }

    /** Regression: an ADD_PROVIDER's 32 addresses were all kept, so the entry bound did not bound the heap. */
    @Test
    void aProviderKeepsAtMostFourAddresses() {
        ProviderStore s = store(ProviderStoreConfig.builder());
        java.util.List<io.gridoverlay.core.encoding.Multiaddr> many = new java.util.ArrayList<>();
        for (int a = 0; a < 32; a++) {
            many.add(io.gridoverlay.core.encoding.Multiaddr.parse("/ip4/10.0.0." + a + "/tcp/4001"));
        }
        PeerInfo p = new PeerInfo(info(1, 1).peerId(), many);
        s.addProvider(key, p);
        assertThat(s.providers(key)).singleElement().satisfies(held -> {
            assertThat(held.peerId()).isEqualTo(p.peerId());
            assertThat(held.addresses()).containsExactlyElementsOf(many.subList(0, ProviderStore.MAX_ADDRESSES_PER_PROVIDER));
        });
    }

    @Test
    void providersExpireAfter48Hours() {
        ProviderStore s = store(ProviderStoreConfig.builder());
        s.addProvider(key, info(1, 1));
        clock.advance(Duration.ofHours(47));
        s.addProvider(key, info(2, 1));
        assertThat(s.providers(key)).hasSize(2);
        clock.advance(Duration.ofHours(1));
        assertThat(s.providers(key)).containsExactly(info(2, 1));
        clock.advance(Duration.ofHours(47));
        assertThat(s.providers(key)).isEmpty();
        assertThat(s.keyCount()).isZero();
    }

    @Test
    void sybilNewcomersDoNotEvictTheProvidersOfAFullKey() {
        // regression (issue 14, finding 10): a full key dropped its oldest provider for each newcomer, so a
        // swarm of fresh identities pushed every honest provider out
        ProviderStore s = store(ProviderStoreConfig.builder().maxProvidersPerKey(3));
        for (int i = 1; i <= 3; i++) {
            assertThat(s.addProvider(key, info(i, 1))).isTrue();
            clock.advance(Duration.ofSeconds(1));
        }
        for (int i = 100; i < 110; i++) {
            assertThat(s.addProvider(key, info(i, 1))).as("newcomer %d", i).isFalse();
        }
        assertThat(s.providers(key)).containsExactly(info(3, 1), info(2, 1), info(1, 1));
        // a provider held may still refresh its entry and addresses while the key is full
        clock.advance(Duration.ofHours(24));
        PeerInfo moved = new PeerInfo(info(1, 1).peerId(), info(9, 2).addresses());
        assertThat(s.addProvider(key, moved)).isTrue();
        // once the others expire, there is room again
        clock.advance(Duration.ofHours(24));
        assertThat(s.providers(key)).containsExactly(moved);
        assertThat(s.addProvider(key, info(100, 1))).isTrue();
        assertThat(s.providers(key)).containsExactly(info(100, 1), moved);
    }

    @Test
    void boundedInTotal() {
        ProviderStore s = store(ProviderStoreConfig.builder().maxProvidersPerKey(5).maxProviders(20));
        for (int k = 0; k < 50; k++) {
            for (int i = 1; i <= 3; i++) {
                s.addProvider(new byte[] {(byte) k}, info(i, 1));
            }
        }
        s.cleanUp();
        assertThat(s.entryCount()).isLessThanOrEqualTo(20);
    }

    @Test
    void persistedProvidersSurviveARestartAndExpiredOnesDoNot() {
        ProviderPersistence disk = ProviderPersistence.inMemory();
        ProviderStoreConfig config = ProviderStoreConfig.builder().clock(clock).build();
        ProviderStore before = new ProviderStore(config, disk);
        byte[] key = {1, 2, 3};
        before.addProvider(key, info(1, 1));
        clock.advance(Duration.ofHours(47));
        before.addProvider(key, info(2, 1));
        clock.advance(Duration.ofHours(2)); // the first entry has expired, the second has 46 h left

        ProviderStore after = new ProviderStore(config, disk);
        assertThat(after.providers(key)).extracting(PeerInfo::peerId).containsExactly(info(2, 1).peerId());
        assertThat(new ProviderStore(config).providers(key)).isEmpty();
    }
}
