package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.transport.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A node process for {@link DeployLedgerKillTest}: {@code DeployKillNodeMain <dataDir> <runDir>}. Keeps its key
 * and ledger in dataDir; writes its address to runDir/addr, appends every publication to runDir/published
 * and the free cores to runDir/free. Runs until killed.
 */
public final class DeployKillNodeMain {
    static final Resources TOTAL = new Resources(1000, 1000L << 30, 0, 0);

    private DeployKillNodeMain() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path run = Path.of(args[1]);
        Files.createDirectories(data);
        Files.createDirectories(run);
        Host host = Host.builder().identity(KeyFiles.loadOrCreate(data.resolve("node.key")))
                .listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        host.start().join();
        Path published = run.resolve("published");
        DeploymentService service = DeploymentService.builder(host, DeploymentLedger.open(data)).total(TOTAL)
                .publisher((d, a) -> {
                    append(published, d.deployment().deploymentId() + " v" + d.deployment().version() + "\n");
                    return CompletableFuture.completedFuture(null);
                })
                .capacityListener(free -> atomicWrite(run.resolve("free"), Integer.toString(free.cores())))
                .build();
        service.start().join();
        atomicWrite(run.resolve("addr"), host.peerId().toBase58() + " " + host.listenAddresses().get(0));
        new CountDownLatch(1).await();
    }

    private static synchronized void append(Path p, String line) {
        try {
            Files.writeString(p, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void atomicWrite(Path p, String content) {
        try {
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
