package io.gridoverlay.examples;

import io.gridoverlay.dht.sim.CapacityReport;
import io.gridoverlay.dht.sim.CapacityWorkload;
import io.gridoverlay.dht.sim.LookupSample;
import io.gridoverlay.dht.sim.SimulationResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of simulation results (JFreeChart, headless). They live in the command line, not in {@code dht},
 * so that the DHT module depends on no plotting library; {@code dht.sim} only produces the data.
 */
final class SimulationPlots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private SimulationPlots() {
    }

    /** rounds.png, requests.png and latency-cdf.png of a lookup simulation in {@code dir}. */
    static void writeLookupPlots(SimulationResult result, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String name = result.scenario().name();
        int[] rounds = result.lookups().stream().mapToInt(LookupSample::rounds).toArray();
        int[] requests = result.lookups().stream().mapToInt(LookupSample::requests).toArray();
        save(histogram("Lookup rounds — " + name, "rounds", rounds, 1), dir.resolve("rounds.png"));
        int maxRequests = Arrays.stream(requests).max().orElse(0);
        save(histogram("Requests per lookup — " + name, "requests", requests, Math.max(1, (maxRequests + 29) / 30)),
                dir.resolve("requests.png"));
        double[] latency = result.lookups().stream().mapToDouble(LookupSample::latencyMillis).sorted().toArray();
        XYSeries cdf = new XYSeries("lookups");
        for (int i = 0; i < latency.length; i++) {
            cdf.add(latency[i], (i + 1) / (double) latency.length);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Lookup latency CDF — " + name, "virtual latency (ms)",
                "fraction of lookups", new XYSeriesCollection(cdf), PlotOrientation.VERTICAL, false, false, false);
        save(chart, dir.resolve("latency-cdf.png"));
    }

    private static JFreeChart histogram(String title, String axis, int[] values, int binWidth) {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        int max = Arrays.stream(values).max().orElse(0);
        for (int bin = 0; bin <= max / binWidth; bin++) {
            counts.put(bin, 0);
        }
        for (int v : values) {
            counts.merge(v / binWidth, 1, Integer::sum);
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        counts.forEach((bin, n) -> data.addValue(n, "count", binWidth == 1 ? Integer.toString(bin)
                : (bin * binWidth) + "-" + (bin * binWidth + binWidth - 1)));
        return ChartFactory.createBarChart(title, axis, "count", data, PlotOrientation.VERTICAL, false, false, false);
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /**
     * Capacity plots in {@code dir}: capacity-recall.png (recall of all-matches queries and precision, per
     * shape), capacity-messages.png (messages per query per shape and limit, with the FIND_NODE mean), and
     * capacity-entries.png (distribution of index entries per server after publishing).
     */
    static void writeCapacityPlots(SimulationResult sim, CapacityWorkload.Result r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String name = sim.scenario().name();
        DefaultCategoryDataset quality = new DefaultCategoryDataset();
        DefaultCategoryDataset messages = new DefaultCategoryDataset();
        for (CapacityReport.ShapeFigures f : CapacityReport.byShape(r)) {
            if (f.limit() == 0) {
                quality.addValue(100 * f.recallMean(), "recall, all matches (%)", f.shape());
                quality.addValue(100 * f.precision(), "precision, live (%)", f.shape());
            }
            messages.addValue(f.messagesMean(), f.limit() == 0 ? "all matches" : "limit " + f.limit(), f.shape());
        }
        for (CapacityReport.ShapeFigures f : CapacityReport.byShape(r)) {
            messages.addValue(sim.summary().requestsMean(), "one FIND_NODE lookup", f.shape());
        }
        save(ChartFactory.createBarChart("Capacity queries: recall and precision - " + name, "query shape", "%",
                quality, PlotOrientation.VERTICAL, true, false, false), dir.resolve("capacity-recall.png"));
        JFreeChart m = ChartFactory.createBarChart("Messages per capacity query - " + name, "query shape",
                "messages (log scale)", messages, PlotOrientation.VERTICAL, true, false, false);
        org.jfree.chart.axis.LogAxis log = new org.jfree.chart.axis.LogAxis("messages (log scale)");
        log.setSmallestValue(1);
        m.getCategoryPlot().setRangeAxis(log);
        save(m, dir.resolve("capacity-messages.png"));
        int[] entries = r.loadAfterPublish().perServer();
        int max = Arrays.stream(entries).max().orElse(0);
        save(histogram("Index entries per server - " + name, "entries held", entries, Math.max(1, (max + 39) / 40)),
                dir.resolve("capacity-entries.png"));
    }

    /**
     * Cross-run plots from several runs' capacity-summary.json (already parsed): recall and limit-5 messages
     * per run, in the order given, written to {@code file}.
     */
    static void writeComparison(List<Map<String, String>> runs, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset q = new DefaultCategoryDataset();
        DefaultCategoryDataset c = new DefaultCategoryDataset();
        for (Map<String, String> run : runs) {
            String label = run.get("name");
            q.addValue(100 * Double.parseDouble(run.get("recall_all_mean")), "recall, all matches (%)", label);
            q.addValue(100 * Double.parseDouble(run.get("precision_live")), "precision, live (%)", label);
            c.addValue(Double.parseDouble(run.get("limit5_messages_mean")), "limit-5 query", label);
            c.addValue(Double.parseDouble(run.get("find_node_requests_mean")), "one FIND_NODE lookup", label);
        }
        save(ChartFactory.createBarChart("Capacity queries by run", "run", "%", q, PlotOrientation.VERTICAL, true,
                false, false), dir.resolve("capacity-runs-quality.png"));
        save(ChartFactory.createBarChart("Messages per query by run", "run", "messages", c, PlotOrientation.VERTICAL,
                true, false, false), dir.resolve("capacity-runs-messages.png"));
    }
}
