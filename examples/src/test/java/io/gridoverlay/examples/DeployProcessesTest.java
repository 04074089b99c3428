package io.gridoverlay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.DhtConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deployment flow between separate {@code grid-peer run} processes on loopback: a node with a capacity
 * file and a data directory, a co-signer, and a plain peer; this JVM is the twin, running {@code deploy},
 * {@code deployment} and {@code delete} as a user would, and scrapes the node's {@code --metrics-port}.
 * The node is then killed with SIGKILL and restarted on the same data directory: what it accepted is still
 * there.
 */
@Tag("slow")
class DeployProcessesTest {
    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    record Started(Process process, Path log, String address, String peerId) {
        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    Started run(String name, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", cp, GridPeer.class.getName(), "run",
                "--listen", "/ip4/127.0.0.1/tcp/0", "--protocol", DhtConfig.GRID_PROTOCOL,
                "--key-file", dir.resolve(name + ".key").toString(), "--create-key"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        Pattern listening = Pattern.compile("listening on (\\S+/p2p/(\\S+))");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = listening.matcher(Files.readString(log));
            if (m.find()) {
                return new Started(p, log, m.group(1), m.group(2));
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of a deadline-bounded wait for the process
        }
        throw new AssertionError(name + " did not start; output:\n" + Files.readString(log));
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine()
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static <T> T eventually(Duration within, String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval of a deadline-bounded wait
        }
    }

    static String scrape(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Test
    @Timeout(300)
    void deployResolveUpdateDeleteBetweenGridPeerProcessesSurvivesSigkill() throws Exception {
        Path capacity = dir.resolve("node.toml");
        Files.writeString(capacity, "cores = 8\nmemory = \"16GiB\"\nssd = \"1TiB\"\ncountry = \"BE\"\nfarm = 1\n");
        Path data = dir.resolve("node-data");
        Started seed = run("seed", "--no-capacity");
        Started node = run("node", "--capacity", capacity.toString(), "--data-dir", data.toString(),
                "--metrics-port", "0", "--bootstrap", seed.address());
        Started cosigner = run("cosigner", "--no-capacity", "--cosign", "--bootstrap", seed.address());
        assertThat(eventually(Duration.ofSeconds(30), "the node accepts deployments", () ->
                Optional.of(node.output()).filter(o -> o.contains("accepting deployments"))))
                .contains("accepting deployments on /grid/deploy/1.0.0: 8 cores");
        String metricsUrl = eventually(Duration.ofSeconds(30), "metrics address", () -> {
            Matcher m = Pattern.compile("metrics at (http://\\S+)").matcher(node.output());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });

        Path key = dir.resolve("twin.key");
        PrivateKey twin = KeyFiles.loadOrCreate(key);
        Path v0 = dir.resolve("web.toml");
        Files.writeString(v0, "id = \"web\"\n[[workloads]]\nname = \"vm1\"\ncores = 2\nmemory = \"4GiB\"\n");
        String boot = seed.address();
        Result deployed = cli("deploy", "--node", node.peerId(), "--file", v0.toString(), "--key-file", key.toString(),
                "--create-key",
                "--cosigner", cosigner.peerId(), "--bootstrap", boot);
        assertThat(deployed.code()).as(deployed.err() + deployed.out()).isZero();
        assertThat(deployed.out()).contains("collecting co-signatures of [" + cosigner.peerId() + "]")
                .contains("deployment web v0").contains("accepted by " + node.peerId());

        // a third party resolves it from the grid and verifies it
        Result shown = eventually(Duration.ofSeconds(30), "the deployment resolves", () -> {
            Result r = cli("deployment", "web", "--owner", twin.publicKey().peerId().toBase58(), "--bootstrap", boot,
                    "--json");
            return r.code() == 0 ? Optional.of(r) : Optional.empty();
        });
        assertThat(shown.out()).contains("\"version\" : 0").contains("\"accepted\" : true")
                .contains(cosigner.peerId());

        // the next version: more cores, co-signed again as v0 requires
        Path v1 = dir.resolve("web1.toml");
        Files.writeString(v1, "id = \"web\"\n[[workloads]]\nname = \"vm1\"\ncores = 6\nmemory = \"8GiB\"\n");
        Result updated = cli("deploy", "--file", v1.toString(), "--key-file", key.toString(), "--bootstrap", boot);
        assertThat(updated.code()).as(updated.err() + updated.out()).isZero();
        assertThat(updated.out()).contains("deployment web v1").contains("accepted by");
        Result history = eventually(Duration.ofSeconds(30), "v1 resolves", () -> {
            Result r = cli("deployment", "web", "--key-file", key.toString(), "--history", "--bootstrap", boot);
            return r.code() == 0 && r.out().contains(": v1 on node") ? Optional.of(r) : Optional.empty();
        });
        assertThat(history.out()).contains("  v0  digest").contains("  v1  digest").contains("the chain verifies");

        // asking for more than is free: a signed rejection, exit code 1
        Path big = dir.resolve("big.toml");
        Files.writeString(big, "id = \"big\"\n[[workloads]]\nname = \"vm\"\ncores = 4\n");
        Result refused = cli("deploy", "--node", node.peerId(), "--file", big.toString(), "--key-file", key.toString(),
                "--bootstrap", boot);
        assertThat(refused.code()).isEqualTo(Cli.FAILED);
        assertThat(refused.out()).contains("REFUSED by " + node.peerId()).contains("INSUFFICIENT_CAPACITY");

        String metrics = eventually(Duration.ofSeconds(30), "metrics show the deployments", () -> {
            String m = scrape(metricsUrl);
            return m.contains("grid_deployments_accepted_total 2.0") ? Optional.of(m) : Optional.empty();
        });
        assertThat(metrics).contains("grid_deployments_rejected_total 1.0").contains("grid_capacity_free_cores 2.0")
                .contains("grid_connections");

        // SIGKILL the node and restart it on the same data directory: the acceptance is still there
        node.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Started again = run("node", "--capacity", capacity.toString(), "--data-dir", data.toString(),
                "--bootstrap", seed.address());
        assertThat(again.peerId()).isEqualTo(node.peerId());
        String restarted = eventually(Duration.ofSeconds(30), "the restarted node reports its ledger", () ->
                Optional.of(again.output()).filter(o -> o.contains("accepting deployments")));
        assertThat(restarted).contains("accepting deployments on /grid/deploy/1.0.0: 8 cores").contains("2 cores free");

        Result deleted = eventually(Duration.ofSeconds(30), "the restarted node is reachable", () -> {
            Result r = cli("delete", "web", "--key-file", key.toString(), "--bootstrap", boot);
            return r.code() == 0 ? Optional.of(r) : Optional.empty();
        });
        assertThat(deleted.out()).contains("delete web v1").contains("accepted by " + node.peerId())
                .contains("DELETED");
        assertThat(cosigner.process().isAlive()).isTrue();
        assertThat(new String(Files.readAllBytes(again.log()), StandardCharsets.UTF_8)).doesNotContain("Exception");
    }
}
