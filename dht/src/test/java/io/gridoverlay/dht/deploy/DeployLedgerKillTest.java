package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.transport.Host;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing accepted is lost: a node in its own JVM accepts a run of deployments, is SIGKILLed while requests
 * are in flight, and restarts on the same data directory.
 */
@Tag("slow")
class DeployLedgerKillTest {
    static final long GIB = 1L << 30;

    @TempDir
    Path tmp;

    @Test
    void everyAnsweredAcceptanceSurvivesSigkillAndTheNodeRepublishes() throws Exception {
        Path data = tmp.resolve("data");
        Path run1 = tmp.resolve("run1");
        Process first = launch(data, run1);
        List<SignedRecord<Acceptance>> answered = new ArrayList<>();
        try (Host twin = Host.builder().identity(OWNER).listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build()) {
            twin.start().join();
            PeerId node = awaitAddress(twin, run1, first);
            try (DeploymentClient client = DeploymentClient.create(twin)) {
                for (int i = 0; i < 12; i++) {
                    SignedRecord<Acceptance> a = client.submit(node,
                            DeployFixtures.signedV0("run-" + i, node, 1, GIB)).get(30, TimeUnit.SECONDS);
                    assertThat(a.record().accepted()).as(a.record().reason()).isTrue();
                    answered.add(a);
                }
                // a stream of submissions, 4 in flight (the node's per-peer limit), SIGKILL in the middle of it
                List<CompletableFuture<SignedRecord<Acceptance>>> burst = new ArrayList<>();
                java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(12);
                java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
                Runnable[] submitNext = new Runnable[1];
                submitNext[0] = () -> {
                    int i = next.getAndIncrement();
                    if (i >= 200) {
                        return;
                    }
                    CompletableFuture<SignedRecord<Acceptance>> f =
                            client.submit(node, DeployFixtures.signedV0("run-" + i, node, 1, GIB));
                    synchronized (burst) {
                        burst.add(f);
                    }
                    f.whenComplete((a, e) -> {
                        if (e == null) {
                            accepted.incrementAndGet();
                            submitNext[0].run();
                        }
                    });
                };
                for (int k = 0; k < 4; k++) {
                    submitNext[0].run();
                }
                await(() -> accepted.get() >= 10, Duration.ofSeconds(30), "some of the stream answered");
                long inFlight;
                synchronized (burst) {
                    inFlight = burst.stream().filter(f -> !f.isDone()).count();
                }
                first.destroyForcibly(); // SIGKILL on Linux, with requests in flight
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                List<CompletableFuture<SignedRecord<Acceptance>>> sent;
                synchronized (burst) {
                    sent = List.copyOf(burst);
                }
                assertThat(inFlight).as("requests in flight at the kill").isPositive();
                for (CompletableFuture<SignedRecord<Acceptance>> f : sent) {
                    try {
                        SignedRecord<Acceptance> a = f.get(30, TimeUnit.SECONDS);
                        if (a.record().accepted()) {
                            answered.add(a);
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(DeploymentException.class); // cut off by the kill
                    }
                }
            }
        }
        assertThat(first.exitValue()).isEqualTo(137); // 128 + SIGKILL
        assertThat(answered.size()).isGreaterThan(12);

        Path run2 = tmp.resolve("run2");
        Process second = launch(data, run2);
        Set<String> expectedIds = new HashSet<>();
        for (SignedRecord<Acceptance> a : answered) {
            expectedIds.add(a.record().deploymentId() + " v0");
        }
        try {
            await(() -> Files.exists(run2.resolve("addr")), Duration.ofSeconds(60), "restarted node up");
            await(() -> publishedLines(run2).containsAll(expectedIds), Duration.ofSeconds(30),
                    "every answered deployment republished");
        } finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
        try (DeploymentLedger ledger = DeploymentLedger.open(data)) {
            List<byte[]> log = ledger.acceptanceLog();
            for (SignedRecord<Acceptance> a : answered) {
                assertThat(log).as("acceptance of " + a.record().deploymentId())
                        .anySatisfy(b -> assertThat(b).isEqualTo(a.toBytes()));
            }
            List<DeploymentLedger.Entry> entries = ledger.loadAll();
            Resources reserved = Resources.NONE;
            Resources demanded = Resources.NONE;
            for (DeploymentLedger.Entry e : entries) {
                assertThat(e.status()).isEqualTo(DeploymentLedger.Status.ACTIVE);
                assertThat(e.acceptance().record().isFor(e.deployment())).isTrue();
                reserved = DeploymentService.plus(reserved, e.reserved());
                demanded = DeploymentService.plus(demanded,
                        ResourceDemand.fromWorkloadMetadata().of(e.deployment().deployment()));
            }
            assertThat(entries.size()).isGreaterThanOrEqualTo(answered.size());
            assertThat(reserved).isEqualTo(demanded).isEqualTo(new Resources(entries.size(), entries.size() * GIB, 0, 0));
            // what the restarted node reported free matches its ledger
            assertThat(Integer.parseInt(Files.readString(run2.resolve("free")).trim()))
                    .isEqualTo(DeployKillNodeMain.TOTAL.cores() - entries.size());
            // every deployment in the ledger was republished, the one in flight at the kill included if it got in
            Set<String> all = new HashSet<>();
            for (DeploymentLedger.Entry e : entries) {
                all.add(e.deployment().deployment().deploymentId() + " v0");
            }
            assertThat(publishedLines(run2)).containsAll(all);
        }
    }

    static Process launch(Path data, Path run) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", cp, DeployKillNodeMain.class.getName(),
                data.toString(), run.toString());
        Files.createDirectories(run);
        pb.redirectErrorStream(true).redirectOutput(run.resolve("node.log").toFile());
        return pb.start();
    }

    static PeerId awaitAddress(Host twin, Path run, Process p) throws Exception {
        await(() -> Files.exists(run.resolve("addr")) || !p.isAlive(), Duration.ofSeconds(60), "node up");
        assertThat(p.isAlive()).as("node process alive; log: " + log(run)).isTrue();
        String[] parts = Files.readString(run.resolve("addr")).trim().split(" ");
        PeerId id = PeerId.parse(parts[0]);
        twin.peerStore().addAddresses(id, List.of(Multiaddr.parse(parts[1])), Duration.ofMinutes(10));
        return id;
    }

    static Set<String> publishedLines(Path run) {
        try {
            Path p = run.resolve("published");
            return Files.exists(p) ? new HashSet<>(Arrays.asList(Files.readString(p).split("\n"))) : Set.of();
        } catch (java.io.IOException e) {
            return Set.of();
        }
    }

    static String log(Path run) {
        try {
            File f = run.resolve("node.log").toFile();
            return f.exists() ? Files.readString(f.toPath()) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static void await(BooleanSupplier condition, Duration within, String what) {
        io.gridoverlay.testing.Conditions.waitUntil(within, what, condition);
    }
}
