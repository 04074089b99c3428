package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationTest {

    static Scenario.Builder small() {
        return Scenario.builder().nodes(150).lookups(40).valueChecks(5).providerChecks(5).qualitySample(20)
                .duration(Duration.ofSeconds(120));
    }

    @Test
    void sameSeedGivesIdenticalResults() {
        Scenario s = small().seed(42).loss(0.05).churn(ChurnModel.parse("exp:300:100")).clientFraction(0.1)
                .adversary(Adversary.Kind.GARBAGE).adversaryFraction(0.05).build();
        SimulationResult a = Simulation.run(s);
        SimulationResult b = Simulation.run(s);
        assertThat(a.lookups()).isEqualTo(b.lookups()).isNotEmpty();
        assertThat(a.summary()).isEqualTo(b.summary());
        assertThat(a.summary().rejoins()).as("churn happened").isPositive();
        assertThat(a.summary().messagesLost()).isPositive();
        assertThat(a.summary().taskErrors()).isZero();
        SimulationResult other = Simulation.run(s.toBuilder().seed(43).build());
        assertThat(other.lookups()).isNotEqualTo(a.lookups());
    }

    @Test
    void missDiagnosisAccountsForEveryMissedAndEveryExtraPeer() {
        SimulationResult r = Simulation.run(small().seed(21).loss(0.1).churn(ChurnModel.parse("exp:120:120"))
                .lookups(60).build());
        assertThat(r.summary().rejoins()).isPositive();
        assertThat(r.lookups()).isNotEmpty().allSatisfy(l -> {
            assertThat(l.missJoined() + l.missNeverLearned() + l.missUncontacted() + l.missNoAnswer()
                    + l.missAnswered()).isEqualTo(l.truthSize() - l.overlap());
            assertThat(l.extraStale() + l.extraLeft() + l.extraLiveFarther()).isEqualTo(l.resultSize() - l.overlap());
            assertThat(l.missJoined()).isLessThanOrEqualTo(l.truthJoined());
            if (l.exact()) {
                assertThat(l.fairExact()).as("strict success implies fair success").isTrue();
            }
        });
        SimulationResult.Misses m = r.summary().misses();
        long missed = r.lookups().stream().mapToLong(l -> l.truthSize() - l.overlap()).sum();
        assertThat(m.total()).isEqualTo(missed).isPositive();
        assertThat(r.summary().fairExactFraction()).isGreaterThanOrEqualTo(r.summary().exactFraction());
    }

    @Test
    void theWireCodecChangesNothing() {
        Scenario s = small().seed(5).lookups(20).build();
        SimulationResult plain = Simulation.run(s);
        SimulationResult coded = Simulation.run(s.toBuilder().useCodec(true).build());
        assertThat(coded.lookups()).isEqualTo(plain.lookups());
        assertThat(coded.summary()).isEqualTo(plain.summary());
    }

    @Test
    void tinyHealthyNetworkFindsTheTrueClosestPeers() {
        SimulationResult r = Simulation.run(small().nodes(30).seed(3).build());
        assertThat(r.summary().exactFraction()).isEqualTo(1.0);
        assertThat(r.lookups()).allSatisfy(l -> {
            assertThat(l.truthSize()).isEqualTo(20);
            assertThat(l.overlap()).isEqualTo(20);
        });
        assertThat(r.summary().valueSuccesses()).isEqualTo(r.summary().valueChecks()).isEqualTo(5);
        assertThat(r.summary().providerSuccesses()).isEqualTo(r.summary().providerChecks()).isEqualTo(5);
        assertThat(r.summary().tableQuality()).isEqualTo(1.0);
    }

    @Test
    void groundTruthAgreesWithASortOfEveryLiveServer() {
        Simulation sim = new Simulation(small().nodes(60).seed(8).build(), Simulation.ProgressListener.NONE);
        sim.setUp();
        byte[] key = "target".getBytes(StandardCharsets.UTF_8);
        Key target = Key.sha256(key);
        CompletableFuture<LookupResult> f = sim.dht(7).findClosestPeers(key);
        sim.network().runUntil(f::isDone);
        List<PeerInfo> expected = IntStream.range(0, 60).filter(i -> i != 7).mapToObj(sim::info)
                .sorted(Comparator.comparing(p -> KademliaDht.keyOf(p.peerId()), target::compareDistance))
                .limit(20).toList();
        int[] truth = sim.truth().closest(target, 20, i -> i != 7);
        assertThat(IntStream.of(truth).mapToObj(sim::info).toList()).isEqualTo(expected);
        assertThat(f.join().peers()).extracting(PeerInfo::peerId)
                .containsExactlyElementsOf(expected.stream().map(PeerInfo::peerId).toList());
    }

    @Test
    void joinInitialisationBuildsWorkingTables() {
        SimulationResult r = Simulation.run(small().init(Scenario.Init.JOIN).seed(4).build());
        assertThat(r.summary().meanOverlap()).isGreaterThan(0.95);
        assertThat(r.summary().tableQuality()).isGreaterThan(0.3);
        assertThat(r.summary().taskErrors()).isZero();
    }

    @Test
    void eclipseAdversariesHurtAndDisjointPathsHelp() {
        Scenario eclipse = small().nodes(300).lookups(60).seed(11).adversary(Adversary.Kind.ECLIPSE)
                .adversaryFraction(0.3).build();
        SimulationResult d1 = Simulation.run(eclipse);
        SimulationResult d4 = Simulation.run(eclipse.toBuilder().disjointPaths(4).build());
        SimulationResult honest = Simulation.run(eclipse.toBuilder().adversary(Adversary.Kind.NONE).build());
        assertThat(d1.summary().meanHonestOverlap()).isLessThan(honest.summary().meanHonestOverlap());
        assertThat(d4.summary().meanHonestOverlap()).isGreaterThanOrEqualTo(d1.summary().meanHonestOverlap());
    }

    @Test
    void sybilIdentitiesAreGroundCloserToTheTargetThanEveryHonestNode() {
        Scenario s = small().nodes(300).seed(13).adversary(Adversary.Kind.SYBIL).sybils(15).build();
        Simulation sim = new Simulation(s, Simulation.ProgressListener.NONE);
        sim.setUp();
        Key target = Key.sha256(s.sybilTarget().getBytes(StandardCharsets.UTF_8));
        int[] closest = sim.truth().closest(target, 16, i -> true);
        for (int j = 0; j < 15; j++) {
            assertThat(sim.isAdversary(closest[j])).as("rank %s is a Sybil", j).isTrue();
        }
        assertThat(sim.isAdversary(closest[15])).as("then the honest nodes").isFalse();
        assertThat(IntStream.range(0, 300).filter(sim::isAdversary).count()).isEqualTo(15);
    }

    @Test
    void sybilsEclipseLookupsOfTheirTargetKey() {
        Scenario s = small().nodes(300).lookups(30).seed(14).adversary(Adversary.Kind.SYBIL).sybils(20).build();
        SimulationResult d1 = Simulation.run(s);
        // every lookup targets the Sybil key, whose 20 closest servers are all Sybils
        assertThat(d1.lookups()).hasSize(30).allSatisfy(l -> assertThat(l.overlap()).isLessThanOrEqualTo(20));
        assertThat(d1.summary().honestReturnedFraction()).isLessThan(0.5);
        // the Sybils answer other keys honestly: the PUT/GET and PROVIDE/FIND checks still succeed
        assertThat(d1.summary().valueSuccesses()).isEqualTo(d1.summary().valueChecks());
        SimulationResult few = Simulation.run(s.toBuilder().sybils(2).disjointPaths(4).build());
        assertThat(few.summary().honestReturnedFraction()).isEqualTo(1.0);
    }

    @Test
    void sybilCountIsRequiredExactlyWithTheSybilAdversary() {
        assertThatThrownBy(() -> small().adversary(Adversary.Kind.SYBIL).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sybils");
        assertThatThrownBy(() -> small().sybils(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sybils");
    }

    @Test
    void droppingAdversariesCauseFailedRequests() {
        SimulationResult r = Simulation.run(small().seed(12).adversary(Adversary.Kind.DROP).adversaryFraction(0.2)
                .peerTimeout(Duration.ofSeconds(2)).build());
        assertThat(r.lookups().stream().mapToInt(LookupSample::failures).sum()).isPositive();
        assertThat(r.summary().meanHonestOverlap()).isGreaterThan(0.8);
    }

    @Test
    void reportFilesAreWritten(@TempDir Path dir) throws Exception {
        SimulationResult r = Simulation.run(small().nodes(40).lookups(10).seed(2).build());
        SimulationReport.writeAll(r, dir);
        List<String> csv = Files.readAllLines(dir.resolve("lookups.csv"));
        assertThat(csv).hasSize(11);
        assertThat(csv.get(0)).isEqualTo(LookupSample.CSV_HEADER);
        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertThat(summary).hasSize(2);
        assertThat(summary.get(0).split(",")).hasSameSizeAs(summary.get(1).split(",")).contains("exact_fraction");
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("exact k-closest match", "rounds.png");
    }
}
