package io.gridoverlay.examples;

import io.gridoverlay.dht.sim.CapacityReport;
import io.gridoverlay.dht.sim.CapacityWorkload;
import io.gridoverlay.dht.sim.ChurnModel;
import io.gridoverlay.dht.sim.Scenario;
import io.gridoverlay.dht.sim.Simulation;
import io.gridoverlay.dht.sim.SimulationResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grid-peer simulate-capacity}: the capacity-discovery workload ({@link CapacityWorkload}: the real
 * capacity index, publisher and finder on every simulated node) in the discrete-event simulator, next to the
 * scenario's FIND_NODE lookups, and its report: capacity.md, capacity-queries.csv, capacity-summary.json
 * and PNG plots in {@code --out}. With {@code --compare}, plots several earlier runs side by side instead.
 */
@Command(name = "simulate-capacity", description = "Simulate capacity discovery in virtual time and write a report.",
        footer = {"", "Examples:", "  grid-peer simulate-capacity --nodes 1000 --queries 3 --duration 60 --out capacity-report/", "  grid-peer simulate-capacity --compare docs/capacity/n1k,docs/capacity/n10k --out plots/"})
final class SimulateCapacityCmd implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", description = "Scenario file (key = value lines); options below override it.")
    Path scenarioFile;
    @Option(names = "--name", description = "Run name for the report.")
    String name;
    @Option(names = "--nodes", description = "Network size (default 10000).")
    Integer nodes;
    @Option(names = "--seed", description = "Random seed (default 1).")
    Long seed;
    @Option(names = "--churn", description = "none, exp:SESSION[:OFFLINE] or weibull:SESSION:SHAPE[:OFFLINE], seconds.")
    String churn;
    @Option(names = "--loss", description = "Per-message loss probability (default 0).")
    Double loss;
    @Option(names = "--queries", description = "Queries per shape, each asked for all matches and for 5 (default 20).")
    Integer queries;
    @Option(names = "--lookups", description = "FIND_NODE lookups measured alongside (default 200).")
    Integer lookups;
    @Option(names = "--duration", description = "Virtual seconds over which the queries are spread (default 600).")
    Double duration;
    @Option(names = "--changes", description = "Nodes changing free capacity in the freshness test (default 20).")
    Integer changes;
    @Option(names = "--stops", description = "Nodes that stop publishing in the stop test (default 20).")
    Integer stops;
    @Option(names = "--shard-capacity", description = "Nodes per index shard (default: CapacityIndexConfig.defaults()).")
    Integer shardCapacity;
    @Option(names = "--replicas", description = "Holders per index entry (default: CapacityIndexConfig.defaults()).")
    Integer replicas;
    @Option(names = "--no-crawl", description = "Skip the crawler baseline.")
    boolean noCrawl;
    @Option(names = "--json", description = "Print the summary as JSON on standard output.")
    boolean json;
    @Option(names = "--compare", split = ",", description = "Earlier run directories to plot side by side (no simulation).")
    List<Path> compare;
    @Option(names = "--out", defaultValue = "capacity-report", description = "Report directory (default capacity-report/).")
    Path out;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter o = spec.commandLine().getOut();
        if (compare != null && !compare.isEmpty()) {
            List<Map<String, String>> runs = new ArrayList<>();
            for (Path d : compare) {
                runs.add(readFlatJson(Files.readString(d.resolve("capacity-summary.json"), StandardCharsets.UTF_8)));
            }
            Files.createDirectories(out);
            SimulationPlots.writeComparison(runs, out);
            o.println("plots: " + out.toAbsolutePath());
            o.flush();
            return 0;
        }
        Scenario scenario = scenario();
        CapacityWorkload.Config config = CapacityWorkload.Config.defaults(scenario.seed());
        if (queries != null) config = config.withQueriesPerShape(queries);
        if (changes != null || stops != null) {
            config = config.withTests(changes != null ? changes : config.changes(), stops != null ? stops : config.stops());
        }
        config = config.withCrawl(!noCrawl);
        if (shardCapacity != null) config = config.withIndex(config.index().withShardCapacity(shardCapacity));
        if (replicas != null) config = config.withIndex(config.index().withReplicas(replicas));
        PrintStream err = System.err;
        err.println("simulate-capacity: " + scenario.name() + ", " + scenario.nodes() + " nodes, "
                + config.queriesPerShape() + " queries per shape, churn " + scenario.churn() + ", loss " + scenario.loss());
        CapacityWorkload workload = new CapacityWorkload(config);
        long start = System.nanoTime();
        SimulationResult result;
        try (Progress progress = Progress.start("simulate-capacity", scenario.lookups(), "ops", json)) {
            result = new Simulation(scenario, progress::stepTo, workload).run();
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        Runtime rt = Runtime.getRuntime();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        CapacityWorkload.Result r = workload.result();
        CapacityReport.writeAll(result, r, wall, heapMb, out);
        SimulationPlots.writeCapacityPlots(result, r, out);
        Map<String, Object> summary = CapacityReport.summary(result, r, wall, heapMb);
        if (json) {
            o.print(CapacityReport.json(summary));
        } else {
            summary.forEach((k, v) -> o.println(k + " = " + v));
            o.println("heap max = " + (rt.maxMemory() >> 20) + " MiB; report: " + out.toAbsolutePath());
        }
        o.flush();
        return 0;
    }

    Scenario scenario() throws java.io.IOException {
        Scenario base = scenarioFile != null ? Scenario.load(scenarioFile)
                : Scenario.builder().name("capacity").nodes(10_000).lookups(200).valueChecks(0).providerChecks(0)
                        .qualitySample(20).build();
        Scenario.Builder b = base.toBuilder();
        if (name != null) b.name(name);
        if (nodes != null) b.nodes(nodes);
        if (seed != null) b.seed(seed);
        if (churn != null) b.churn(ChurnModel.parse(churn));
        if (loss != null) b.loss(loss);
        if (lookups != null) b.lookups(lookups);
        if (duration != null) b.duration(Duration.ofMillis(Math.round(duration * 1000)));
        return b.build();
    }

    private static final Pattern PAIR = Pattern.compile("\"([^\"]*)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,\\n}]+)");

    /** The flat JSON object {@link CapacityReport#json} writes, as strings. */
    static Map<String, String> readFlatJson(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = PAIR.matcher(text);
        while (x.find()) {
            m.put(x.group(1), x.group(3) != null ? x.group(3) : x.group(2).trim());
        }
        return m;
    }
}
