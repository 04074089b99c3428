package io.gridoverlay.examples;

import io.gridoverlay.dht.sim.Adversary;
import io.gridoverlay.dht.sim.ChurnModel;
import io.gridoverlay.dht.sim.LatencyModel;
import io.gridoverlay.dht.sim.Scenario;
import io.gridoverlay.dht.sim.Simulation;
import io.gridoverlay.dht.sim.SimulationReport;
import io.gridoverlay.dht.sim.SimulationResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grid-peer simulate}: runs a {@link Scenario} of the real DHT code in the discrete-event simulator
 * and writes the report (lookups.csv, summary.csv, summary.md, PNG plots) to {@code --out}. Options override
 * the values of {@code --scenario}.
 */
@Command(name = "simulate", description = "Simulate a DHT network in virtual time and write a report.",
        footer = {"", "Examples:", "  grid-peer simulate --nodes 2000 --churn exp:3600 --loss 0.1 --json", "  java -Xmx6g -jar grid-peer.jar simulate --nodes 10000 --lookups 1000 --out report/"})
final class SimulateCmd implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", description = "Scenario file (key = value lines); options below override it.")
    Path scenarioFile;
    @Option(names = "--name", description = "Scenario name for the report.")
    String name;
    @Option(names = "--nodes", description = "Network size (default 1000).")
    Integer nodes;
    @Option(names = "--lookups", description = "FIND_NODE lookups to measure (default 200).")
    Integer lookups;
    @Option(names = "--seed", description = "Random seed (default 1).")
    Long seed;
    @Option(names = "--latency", description = "uniform or clusters:N (default uniform).")
    String latency;
    @Option(names = "--loss", description = "Per-message loss probability (default 0).")
    Double loss;
    @Option(names = "--churn", description = "none, exp:SESSION[:OFFLINE] or weibull:SESSION:SHAPE[:OFFLINE], seconds.")
    String churn;
    @Option(names = "--client-fraction", description = "Fraction of unreachable client-mode nodes (default 0).")
    Double clientFraction;
    @Option(names = "--adversary", description = "none, eclipse, drop, garbage or sybil (default none).")
    String adversary;
    @Option(names = "--adversary-fraction", description = "Fraction of adversary nodes (default 0).")
    Double adversaryFraction;
    @Option(names = "--sybils", description = "With --adversary sybil: identities ground near --sybil-target.")
    Integer sybils;
    @Option(names = "--sybil-target", description = "The key the Sybils surround (default sybil-target).")
    String sybilTarget;
    @Option(names = {"-d", "--disjoint-paths"}, description = "Disjoint lookup paths (default 1).")
    Integer disjointPaths;
    @Option(names = "--alpha", description = "Lookup parallelism (default 3).")
    Integer alpha;
    @Option(names = "--beta", description = "Lookup resiliency (default 3).")
    Integer beta;
    @Option(names = "--init", description = "oracle or join (default oracle).")
    String init;
    @Option(names = "--duration", description = "Virtual seconds over which lookups are spread (default 600).")
    Double duration;
    @Option(names = "--refresh", description = "Routing-table refresh interval in seconds, 0 = off (default 0).")
    Double refresh;
    @Option(names = "--codec", description = "Pass every message through the Kad wire codec.")
    Boolean codec;
    @Option(names = "--value-checks", description = "PUT_VALUE/GET_VALUE pairs (default 20).")
    Integer valueChecks;
    @Option(names = "--provider-checks", description = "ADD_PROVIDER/GET_PROVIDERS pairs (default 20).")
    Integer providerChecks;
    @Option(names = "--out", defaultValue = "report", description = "Report directory (default report/).")
    Path out;
    @Option(names = "--json", description = "Print the summary as one JSON document on standard output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Scenario scenario = scenario();
        PrintStream err = System.err;
        err.println("simulate: " + scenario.name() + ", " + scenario.nodes() + " nodes, " + scenario.lookups()
                + " lookups, churn " + scenario.churn() + ", loss " + scenario.loss() + ", adversary "
                + scenario.adversary() + " " + scenario.adversaryFraction() + ", d=" + scenario.disjointPaths());
        long start = System.nanoTime();
        SimulationResult result;
        try (Progress progress = Progress.start("simulate", scenario.lookups(), "ops", json)) {
            result = new Simulation(scenario, progress::stepTo).run();
        }
        SimulationReport.writeAll(result, out);
        SimulationPlots.writeLookupPlots(result, out);
        java.io.PrintWriter o = spec.commandLine().getOut();
        SimulationResult.Costs c = result.costs();
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>(result.summary().asMap());
            m.put("wallMillis", Map.of("identities", c.identityMillis(), "setup", c.initMillis(),
                    "measure", c.runMillis(), "total", wallMs));
            m.put("heapUsedMb", c.heapUsedMb());
            m.put("heapMaxMb", Runtime.getRuntime().maxMemory() >> 20);
            m.put("report", out.toAbsolutePath().toString());
            o.println(DeployCommands.json(m));
            o.flush();
            return 0;
        }
        result.summary().asMap().forEach((k, v) -> o.println(k + " = " + v));
        o.println("wall_ms identities/setup/measure = " + c.identityMillis() + " / " + c.initMillis() + " / "
                + c.runMillis() + ", total " + wallMs);
        o.println("heap_used_mb = " + c.heapUsedMb() + " (max " + (Runtime.getRuntime().maxMemory() >> 20) + ")");
        o.println("report: " + out.toAbsolutePath());
        o.flush();
        return 0;
    }

    Scenario scenario() throws java.io.IOException {
        Scenario base = scenarioFile != null ? Scenario.load(scenarioFile) : Scenario.builder().build();
        Scenario.Builder b = base.toBuilder();
        if (name != null) b.name(name);
        if (nodes != null) b.nodes(nodes);
        if (lookups != null) b.lookups(lookups);
        if (seed != null) b.seed(seed);
        if (latency != null) {
            LatencyModel.Config l = base.latency();
            b.latency(LatencyModel.Config.parse(latency, l.minRtt(), l.maxRtt(), l.jitter()));
        }
        if (loss != null) b.loss(loss);
        if (churn != null) b.churn(ChurnModel.parse(churn));
        if (clientFraction != null) b.clientFraction(clientFraction);
        if (adversary != null) b.adversary(Adversary.Kind.parse(adversary));
        if (adversaryFraction != null) b.adversaryFraction(adversaryFraction);
        if (sybils != null) b.sybils(sybils);
        if (sybilTarget != null) b.sybilTarget(sybilTarget);
        if (disjointPaths != null) b.disjointPaths(disjointPaths);
        if (alpha != null) b.alpha(alpha);
        if (beta != null) b.beta(beta);
        if (init != null) b.init(Scenario.parseInit(init));
        if (duration != null) b.duration(Duration.ofMillis(Math.round(duration * 1000)));
        if (refresh != null) b.refreshInterval(Duration.ofMillis(Math.round(refresh * 1000)));
        if (codec != null) b.useCodec(codec);
        if (valueChecks != null) b.valueChecks(valueChecks);
        if (providerChecks != null) b.providerChecks(providerChecks);
        return b.build();
    }
}
