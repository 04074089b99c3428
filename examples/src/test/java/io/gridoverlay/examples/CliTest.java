package io.gridoverlay.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.transport.Host;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a newcomer meets it: help, one-line errors, exit codes, key files, JSON. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void everySubcommandAnswersHelpWithUsageAndExitCodes() {
        CommandLine root = Cli.commandLine();
        assertThat(root.getSubcommands()).hasSizeGreaterThan(15);
        for (String name : root.getSubcommands().keySet()) {
            Run r = execute(name, "--help");
            assertThat(r.code()).as(name + " --help: " + r.err()).isZero();
            assertThat(r.out()).as(name).contains("Usage: grid-peer " + name).contains("Exit codes:")
                    .contains("--verbose").containsPattern("Examples?:\\R  .*grid-peer ");
        }
        assertThat(execute("--help").out()).contains("local-grid").contains("deploy");
    }

    @Test
    void versionComesFromTheBuild() {
        Run r = execute("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("grid-peer (gridoverlay) ").contains("Java ");
    }

    @Test
    void ordinaryMistakesPrintOneLineAndAUsageExitCode() {
        Run badAddr = execute("ping", "/ip4/127.0.0.1/tcp/notaport/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(badAddr.code()).isEqualTo(Cli.USAGE);
        assertThat(badAddr.err()).contains("is not a multiaddr").doesNotContain("\tat ");

        Run noPeer = execute("identify", "/ip4/127.0.0.1/tcp/4001");
        assertThat(noPeer.code()).isEqualTo(Cli.USAGE);
        assertThat(noPeer.err()).contains("has no /p2p/<peer id>");

        Run badId = execute("ping", "/ip4/127.0.0.1/tcp/4001/p2p/notapeerid");
        assertThat(badId.code()).isEqualTo(Cli.USAGE);
        assertThat(badId.err()).contains("is not a multiaddr").doesNotContain("\tat ");

        Run negative = execute("ping", "-n", "-1", "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(negative.code()).isEqualTo(Cli.USAGE);
        assertThat(negative.err()).contains("--count must be between 1 and 10000");

        Run missingKey = execute("id", "--key-file", dir.resolve("typo.key").toString());
        assertThat(missingKey.code()).isEqualTo(Cli.USAGE);
        assertThat(missingKey.err().lines().filter(l -> !l.isBlank()).count()).isEqualTo(2); // the error + the hint
        assertThat(missingKey.err()).contains("no such file").contains("grid-peer keygen --out");
        assertThat(Files.exists(dir.resolve("typo.key"))).as("no identity created by a typo").isFalse();
    }

    @Test
    void unreachablePeerExitsWithItsOwnCodeAndNoTrace() {
        Run r = execute("ping", "/ip4/127.0.0.1/tcp/9/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(r.code()).isEqualTo(Cli.UNREACHABLE);
        assertThat(r.err()).startsWith("grid-peer ping: ").contains("--verbose").doesNotContain("\tat ");
        Run verbose = execute("ping", "--verbose", "/ip4/127.0.0.1/tcp/9/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void keygenWritesAnIdentityIdReadsItAndKeygenNeverOverwrites() throws Exception {
        Path key = dir.resolve("node.key");
        Run made = execute("keygen", "--out", key.toString(), "--json");
        assertThat(made.code()).isZero();
        String id = json(made.out()).get("peerId").asText();
        assertThat(id).startsWith("12D3KooW");
        assertThat(execute("id", "--key-file", key.toString()).out()).startsWith(id);
        Run again = execute("keygen", "--out", key.toString());
        assertThat(again.code()).isEqualTo(Cli.USAGE);
        assertThat(again.err()).contains("never overwrites");
        assertThat(execute("id", "--key-file", key.toString(), "--json").out()).contains(id);
    }

    @Test
    void completionScriptsForBashAndZsh() {
        assertThat(execute("completion", "bash").out()).contains("grid-peer").contains("complete");
        assertThat(execute("completion", "zsh").out()).startsWith("autoload -U +X compinit");
        assertThat(execute("completion", "fish").code()).isEqualTo(Cli.USAGE);
    }

    @Test
    void reportingCommandsPrintParseableJson() throws Exception {
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            host.start().join();
            String addr = host.listenAddresses().get(0) + "/p2p/" + host.peerId().toBase58();
            JsonNode ping = json(execute("ping", "-n", "2", "--json", addr).out());
            assertThat(ping.get("peer").asText()).isEqualTo(host.peerId().toBase58());
            assertThat(ping.get("rttMillis")).hasSize(2);
            JsonNode id = json(execute("identify", "--json", addr).out());
            assertThat(id.get("peer").asText()).isEqualTo(host.peerId().toBase58());
            assertThat(id.get("protocols").toString()).contains("/ipfs/ping/1.0.0");
            try (KademliaDht dht = KademliaDht.onHost(host, DhtConfig.builder().build())) {
                Run closest = execute("closest", "/grid/x", "--json", "--bootstrap", addr);
                assertThat(closest.code()).as(closest.err()).isZero();
                JsonNode c = json(closest.out());
                assertThat(c.get("peers").get(0).get("peer").asText()).isEqualTo(host.peerId().toBase58());
                assertThat(c.get("cost").get("requests").asInt()).isPositive();
                Run missing = execute("get", "/grid/absent", "--json", "--bootstrap", addr);
                assertThat(missing.code()).isEqualTo(Cli.NOT_FOUND);
                assertThat(List.of(missing.err())).singleElement().asString().contains("not found");
            }
        }
    }

    @Test
    void simulateJsonIsOneParseableDocument(@TempDir Path dir) throws Exception {
        Run r = execute("simulate", "--nodes", "200", "--lookups", "20", "--value-checks", "2", "--provider-checks", "2",
                "--json", "--out", dir.resolve("report").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = json(r.out());
        assertThat(m.get("wallMillis").get("total").asLong()).isPositive();
        assertThat(m.get("report").asText()).endsWith("report");
        assertThat(m.size()).as(r.out()).isGreaterThan(5);
        assertThat(r.err()).as("no progress bar on a pipe").doesNotContain("%");
    }

    @Test
    void oneDurationSyntaxForOptionsAndDeploymentFiles() {
        assertThat(Cli.duration("90s")).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(Cli.duration(" 30D ")).isEqualTo(java.time.Duration.ofDays(30));
        assertThatThrownBy(() -> Cli.duration("0m")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Cli.duration("5 weeks")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DeploymentFile.duration("1y")).hasMessageStartingWith("'expires-in' is not a duration");
        Run fresh = execute("find-capacity", "--fresh", "1y", "--bootstrap",
                "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(fresh.code()).isEqualTo(Cli.USAGE);
        assertThat(fresh.err()).contains("'1y' is not a duration like 90s, 30m, 12h or 30d");
    }
}
