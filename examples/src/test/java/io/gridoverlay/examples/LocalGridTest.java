package io.gridoverlay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code grid-peer local-grid} run in-process, as a user runs it: the whole story over real TCP on loopback
 * with 5 capacity nodes, and the command's refusal of bad input before any network work.
 */
@Tag("slow")
class LocalGridTest {

    /** Exit code, standard output and standard error of one command line. */
    private record Run(int code, String out, String err) {
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new GridPeer()).setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theWholeStoryRunsAndEveryCheckPasses() throws Exception {
        Run r = execute("local-grid", "--nodes", "5", "--seed", "7", "--perf", "1MiB");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String out = r.out();
        assertThat(out).as(out).doesNotContain("FAIL");
        // step 1: five nodes, the twin and the co-signer formed the grid
        assertThat(out).contains("node 4 ", "twin ", "co-signer ")
                .containsPattern("ok {4}node 1 -> node 0: identify lists \\d+ protocols")
                .containsPattern("ok {4}lookup of /grid/demo from node 4 finds exactly the true 6 closest peers");
        // step 2: the query's table and the brute-force comparison
        assertThat(out).contains("NODE", "CORES", "# cost: plan")
                .containsPattern("ok {4}the answer is the brute-force truth: the top [1-3] by free capacity");
        // steps 3-5: co-signed deploy, resolve elsewhere, capacity follows, update with a history of 2
        assertThat(out).contains("ok    v0 signed by the owner alone does not verify")
                .contains("v0 now verifies with 2 of 2 signatures")
                .containsPattern("ok {4}node \\d accepted v0; its signed acceptance verifies on the twin")
                .containsPattern("ok {4}node \\d resolved demo-web v0 from the DHT and verified it here")
                .containsPattern("ok {4}a capacity query from the twin shows node \\d's advertised free capacity .* "
                        + "after v0")
                .containsPattern("ok {4}node \\d accepted v1")
                .containsPattern("ok {4}node \\d resolves a history of 2 versions \\(v0 -> v1\\) that verifies")
                .containsPattern("advertised free capacity .* after v1");
        // step 6: each refusal for its reason
        assertThat(out).contains("an owner-only v2 that drops the co-signer: refused as expected: REQUIREMENT_NOT_MET")
                .contains("a replay of v0: refused as expected: STALE_VERSION")
                .containsPattern("but is signed with node \\d's key: refused as expected: acceptance is not signed by "
                        + "the deployment's node")
                .containsPattern("a conflicting v1 \\(digest [0-9a-f]{12}\\) sent to node \\d: refused as expected: "
                        + "EQUIVOCATION")
                .containsPattern("ok {4}node \\d now resolves demo-web to an equivocation proof")
                .contains("deployments accepted and 3 rejected");
        // step 7 and 8
        assertThat(out).containsPattern("ok {4}node \\d deleted demo-web")
                .containsPattern("advertised free capacity .* after the delete")
                .containsPattern("ok {4}perf node 1 <-> node 0 .*: 1MiB up \\+ 1MiB down");
        // 2 checks in step 1, 2 in step 2, 3 in 3, 2 in 4, 3 in 5, 6 in 6, 2 in 7, 1 in 8
        assertThat(out.lines().filter(l -> l.startsWith("  ok    ")).count()).isEqualTo(21);
        assertThat(out).contains("local-grid: all 21 checks passed (5 nodes, a twin, a co-signer;");
        Matcher dataDir = Pattern.compile("data directories: (\\S+)/node-<i>").matcher(out);
        assertThat(dataDir.find()).as(out).isTrue();
        assertThat(Path.of(dataDir.group(1))).as("the demo deleted its data directories").doesNotExist();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aGridWithNoNodeToDeployOntoFailsWithExitCode1() {
        // seed 18 gives both nodes less than 4 free cores or 4 GiB free: the query rightly finds nothing
        Run r = execute("local-grid", "--nodes", "2", "--seed", "18", "--perf", "0");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("ok {4}the answer is the brute-force truth: the top 0 by free capacity")
                .contains("  FAIL  step 'capacity' did not finish: no node has 4 free cores and 4 GiB free")
                .contains("local-grid: 1 of ")
                .doesNotContain("[3] deploy");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyNetworkWork() {
        Run few = execute("local-grid", "--nodes", "1");
        assertThat(few.code()).isEqualTo(2);
        assertThat(few.err()).contains("--nodes must be between 2 and 64, not 1");
        Run size = execute("local-grid", "--perf", "lots");
        assertThat(size.code()).isEqualTo(2);
        assertThat(size.err()).contains("--perf must be a size such as 64MiB or 0, not 'lots'");
        assertThat(few.out() + size.out()).isEmpty();
    }

    @Test
    void helpShowsTheDefaultsAnExampleAndTheExitCodes() {
        Run help = execute("local-grid", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--nodes", "default 20", "--seed", "default 42", "--perf", "default 64MiB",
                "Examples:", "  grid-peer local-grid", "Exit codes: 0 every check passed, 1 a check failed, 2 usage error");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jsonPrintsOneDocumentWithEveryCheck() throws Exception {
        Run r = execute("local-grid", "--nodes", "3", "--seed", "5", "--perf", "0", "--json");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(m.get("ok").asBoolean()).isTrue();
        assertThat(m.get("failed")).isEmpty();
        assertThat(m.get("passed").asInt()).isEqualTo(m.get("checks").size()).isGreaterThan(10);
        List<String> steps = new java.util.ArrayList<>();
        m.get("checks").forEach(c -> {
            assertThat(c.get("ok").asBoolean()).isTrue();
            if (!steps.contains(c.get("step").asText())) {
                steps.add(c.get("step").asText());
            }
        });
        assertThat(steps).containsExactly("grid", "capacity", "deployment"); // --perf 0: no throughput check
        assertThat(m.get("stepSeconds").has("start")).isTrue();
    }
}
