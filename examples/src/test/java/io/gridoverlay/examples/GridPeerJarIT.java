package io.gridoverlay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code grid-peer.jar}, run as the README tells a newcomer to run it, in its own JVM after the
 * package phase: what the jar leaves out (a JDBC driver, a class loaded by name) fails here, not for users.
 */
class GridPeerJarIT {
    private static final Path JAR = Path.of("target", "grid-peer.jar");

    private record Ran(int code, String out, String err) {
    }

    private static Ran run(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("grid-peer " + String.join(" ", args) + " did not finish; output:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void localGridFromTheJarPassesEveryCheckAndPrintsOneJsonDocument(@TempDir Path dir) throws Exception {
        assertThat(JAR).as("the package phase built the jar").isRegularFile();
        Ran r = run(dir, "local-grid", "--nodes", "4", "--seed", "3", "--perf", "1MiB", "--json");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode m = new ObjectMapper().readTree(r.out());
        assertThat(m.get("ok").asBoolean()).as(r.out()).isTrue();
        assertThat(m.get("nodes").asInt()).isEqualTo(4);
        assertThat(m.get("failed")).isEmpty();
        assertThat(m.get("passed").asInt()).isEqualTo(m.get("checks").size()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void theJarAnswersVersionHelpAndAUsageErrorWithItsExitCode(@TempDir Path dir) throws Exception {
        Ran version = run(dir, "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("grid-peer (gridoverlay) ").doesNotContain("unknown");
        Ran help = run(dir, "deploy", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: grid-peer deploy", "Exit codes:");
        Ran bad = run(dir, "ping", "/ip4/127.0.0.1/tcp/notaport/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf");
        assertThat(bad.code()).isEqualTo(Cli.USAGE);
        assertThat(bad.err()).contains("notaport").doesNotContain("\tat ");
    }
}
