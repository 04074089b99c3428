package io.gridoverlay.dht.sim;

import io.gridoverlay.dht.sim.CapacityWorkload.Probe;
import io.gridoverlay.dht.sim.CapacityWorkload.QuerySample;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The capacity-discovery report of one run (data only; plots are rendered by the command line):
 *
 * <pre>
 *   capacity-queries.csv   one row per query ({@link QuerySample#CSV_HEADER})
 *   capacity-summary.json  the headline figures as one flat JSON object ({@link #summary})
 *   capacity.md            Markdown: set-up, figures against the issue's targets, per-shape table, baselines
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class CapacityReport {
    private CapacityReport() {
    }

    /** Figures of one query shape and limit. */
    public record ShapeFigures(String shape, int limit, int queries, double truthMean, double returnedMean,
                               double precision, double verified, double recallMean, double recallMin,
                               double messagesMean, double messagesP95, double lookupsMean, double fetchedMean,
                               double latencyMedianMillis, long stale, String plans) {
    }

    /** Per shape and limit, in shape order, all matches first. */
    public static List<ShapeFigures> byShape(CapacityWorkload.Result r) {
        List<ShapeFigures> out = new ArrayList<>();
        for (CapacityWorkload.Shape shape : CapacityWorkload.SHAPES) {
            for (int limit : new int[] {0, 5}) {
                List<QuerySample> qs = r.queries().stream()
                        .filter(q -> q.shape().equals(shape.name()) && q.limit() == limit).toList();
                if (qs.isEmpty()) {
                    continue;
                }
                long returned = qs.stream().mapToLong(QuerySample::returned).sum();
                long correct = qs.stream().mapToLong(QuerySample::correct).sum();
                long verified = qs.stream().mapToLong(QuerySample::verifiedMatches).sum();
                double[] messages = qs.stream().mapToDouble(QuerySample::messages).toArray();
                double[] latency = qs.stream().mapToDouble(QuerySample::latencyMillis).toArray();
                out.add(new ShapeFigures(shape.name(), limit, qs.size(),
                        qs.stream().mapToInt(QuerySample::truth).average().orElse(0),
                        qs.stream().mapToInt(QuerySample::returned).average().orElse(0),
                        returned == 0 ? 1 : correct / (double) returned, returned == 0 ? 1 : verified / (double) returned,
                        qs.stream().mapToDouble(QuerySample::recall).average().orElse(Double.NaN),
                        qs.stream().mapToDouble(QuerySample::recall).min().orElse(Double.NaN),
                        mean(messages), SimulationResult.quantile(messages, 0.95),
                        qs.stream().mapToInt(QuerySample::lookups).average().orElse(0),
                        qs.stream().mapToInt(QuerySample::fetched).average().orElse(0),
                        SimulationResult.quantile(latency, 0.5), qs.stream().mapToLong(QuerySample::stale).sum(),
                        String.join(" ", qs.stream().map(q -> q.plan().replaceAll(" x\\d+", "")).distinct().toList())));
            }
        }
        return out;
    }

    /** Headline figures, flat, in a stable order (the JSON summary and the cross-run table). */
    public static Map<String, Object> summary(SimulationResult sim, CapacityWorkload.Result r, long wallMillis,
                                              long heapMb) {
        Map<String, Object> m = new LinkedHashMap<>();
        Scenario s = sim.scenario();
        m.put("name", s.name());
        m.put("nodes", s.nodes());
        m.put("seed", s.seed());
        m.put("churn", s.churn().toString());
        m.put("loss", s.loss());
        m.put("duration_s", s.duration().toSeconds());
        m.put("queries", r.queries().size());
        List<QuerySample> all = r.queries().stream().filter(q -> q.limit() == 0).toList();
        List<QuerySample> five = r.queries().stream().filter(q -> q.limit() == 5).toList();
        long returned = r.queries().stream().mapToLong(QuerySample::returned).sum();
        m.put("precision_live", returned == 0 ? 1.0 : r.queries().stream().mapToLong(QuerySample::correct).sum() / (double) returned);
        m.put("precision_verified", returned == 0 ? 1.0
                : r.queries().stream().mapToLong(QuerySample::verifiedMatches).sum() / (double) returned);
        m.put("recall_all_mean", all.stream().mapToDouble(QuerySample::recall).average().orElse(Double.NaN));
        m.put("recall_all_min", all.stream().mapToDouble(QuerySample::recall).min().orElse(Double.NaN));
        long truthSum = all.stream().mapToLong(QuerySample::truth).sum();
        m.put("recall_all_pooled", truthSum == 0 ? 1.0 : all.stream().mapToLong(QuerySample::truthFound).sum() / (double) truthSum);
        m.put("limit5_filled", five.stream().mapToDouble(QuerySample::recall).average().orElse(Double.NaN));
        double findNode = sim.summary().requestsMean();
        double msg5 = five.stream().mapToLong(QuerySample::messages).average().orElse(Double.NaN);
        m.put("find_node_requests_mean", findNode);
        m.put("limit5_messages_mean", msg5);
        m.put("limit5_messages_median", SimulationResult.quantile(five.stream().mapToDouble(QuerySample::messages).toArray(), 0.5));
        m.put("limit5_vs_find_node", msg5 / findNode);
        m.put("all_messages_mean", all.stream().mapToLong(QuerySample::messages).average().orElse(Double.NaN));
        m.put("entries_per_server_max", r.loadAfterPublish().max());
        m.put("entries_per_server_mean", r.loadAfterPublish().mean());
        m.put("entries_per_server_p99", r.loadAfterPublish().p99());
        m.put("entries_max_over_mean", r.loadAfterPublish().max() / r.loadAfterPublish().mean());
        m.put("entries_per_server_max_end", r.loadAtEnd().max());
        m.put("entries_per_server_mean_end", r.loadAtEnd().mean());
        m.put("record_bytes_mean", r.meanRecordBytes());
        m.put("index_bytes_per_server_mean", r.loadAfterPublish().mean() * r.meanRecordBytes());
        m.put("publications", r.publications());
        m.put("publication_failures", r.publicationFailures());
        m.put("requests_per_publication", r.publications() == 0 ? 0 : r.publicationRequests() / (double) r.publications());
        m.put("refreshes", r.refreshes());
        m.put("requests_per_refresh", r.refreshes() == 0 ? 0 : r.refreshRequests() / (double) r.refreshes());
        for (Probe p : r.probes()) {
            m.put("probe " + p.test() + " @" + fmt(p.afterSeconds()) + "s", p.seen() + "/" + p.tested());
        }
        if (r.crawl() != null) {
            m.put("crawl_requests", r.crawl().requests());
            m.put("crawl_found", r.crawl().found());
            m.put("crawl_live_servers", r.crawl().liveServers());
            m.put("crawl_seconds", r.crawl().seconds());
        }
        m.put("messages_total", sim.summary().messages());
        m.put("messages_lost", sim.summary().messagesLost());
        m.put("rejoins", sim.summary().rejoins());
        m.put("task_errors", sim.summary().taskErrors());
        m.put("wall_ms", wallMillis);
        m.put("heap_used_mb", heapMb);
        m.put("virtual_s", sim.costs().virtualSeconds());
        return m;
    }

    /** Writes the files listed in the class comment into {@code dir}. */
    public static void writeAll(SimulationResult sim, CapacityWorkload.Result r, long wallMillis, long heapMb, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve("capacity-queries.csv"), StandardCharsets.UTF_8)) {
            w.write(QuerySample.CSV_HEADER);
            w.write('\n');
            for (QuerySample q : r.queries()) {
                w.write(q.toCsv());
                w.write('\n');
            }
        }
        Files.writeString(dir.resolve("capacity-summary.json"), json(summary(sim, r, wallMillis, heapMb)),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("capacity.md"), markdown(sim, r, wallMillis, heapMb), StandardCharsets.UTF_8);
    }

    /** A flat map as a JSON object (numbers, strings). */
    public static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            b.append("  \"").append(e.getKey().replace("\"", "'")).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
                b.append(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : n.toString());
            } else {
                b.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            b.append(++i < m.size() ? ",\n" : "\n");
        }
        return b.append("}\n").toString();
    }

    /** The Markdown report of one run. */
    public static String markdown(SimulationResult sim, CapacityWorkload.Result r, long wallMillis, long heapMb) {
        Scenario s = sim.scenario();
        Map<String, Object> m = summary(sim, r, wallMillis, heapMb);
        StringBuilder b = new StringBuilder();
        b.append("# Capacity discovery `").append(s.name()).append("`\n\n");
        b.append("N = ").append(s.nodes()).append(", seed ").append(s.seed()).append(", churn ").append(s.churn())
                .append(", loss ").append(s.loss()).append(", latency ").append(s.latency().placement())
                .append(" RTT ").append(s.latency().minRtt().toMillis()).append("-").append(s.latency().maxRtt().toMillis())
                .append(" ms, k ").append(s.k()).append(", alpha ").append(s.alpha()).append(". Index: shard capacity ")
                .append(r.index().shardCapacity()).append(", replicas ").append(r.index().replicas())
                .append(", refresh ").append(r.index().refreshInterval().toSeconds()).append(" s, TTL ")
                .append(r.index().recordTtl().toSeconds()).append(" s; finder reads ").append(r.holders())
                .append(" holders per key.\n\n");
        b.append("| measure | value |\n| --- | --- |\n");
        row(b, "precision (returned node live and its current record matches)", pct(num(m, "precision_live")));
        row(b, "precision (returned signed record verified and matching)", pct(num(m, "precision_verified")));
        row(b, "recall, all matches (mean / min per query / pooled)", pct(num(m, "recall_all_mean")) + " / "
                + pct(num(m, "recall_all_min")) + " / " + pct(num(m, "recall_all_pooled")));
        row(b, "limit 5: share of min(5, matches) returned", pct(num(m, "limit5_filled")));
        row(b, "messages per limit-5 query (mean / median) vs one FIND_NODE lookup (mean)",
                fmt(num(m, "limit5_messages_mean")) + " / " + fmt(num(m, "limit5_messages_median")) + " vs "
                        + fmt(num(m, "find_node_requests_mean")) + " = " + fmt(num(m, "limit5_vs_find_node")) + " x");
        row(b, "index entries per server after publishing: max / mean / p99 (max/mean)",
                m.get("entries_per_server_max") + " / " + fmt(num(m, "entries_per_server_mean")) + " / "
                        + m.get("entries_per_server_p99") + " (" + fmt(num(m, "entries_max_over_mean")) + ")");
        row(b, "index entries per server at the end: max / mean", m.get("entries_per_server_max_end") + " / "
                + fmt(num(m, "entries_per_server_mean_end")));
        row(b, "signed record bytes (mean); index bytes per server (mean)", fmt(num(m, "record_bytes_mean")) + "; "
                + fmt(num(m, "index_bytes_per_server_mean")));
        row(b, "publications (failed: some key not registered); requests per publication",
                m.get("publications") + " (" + m.get("publication_failures") + "); " + fmt(num(m, "requests_per_publication")));
        row(b, "refreshes (every refresh interval, by the publishers themselves); requests per refresh",
                m.get("refreshes") + "; " + fmt(num(m, "requests_per_refresh")));
        for (Probe p : r.probes()) {
            row(b, p.test() + ", " + fmt(p.afterSeconds()) + " s after", p.seen() + " / " + p.tested()
                    + " (query messages " + p.messages() + ")");
        }
        if (r.crawl() != null) {
            CapacityWorkload.Crawl c = r.crawl();
            row(b, "crawl: FIND_NODE requests, nodes answered / live servers, virtual time", c.requests() + ", "
                    + c.found() + " / " + c.liveServers() + ", " + fmt(c.seconds()) + " s");
        }
        row(b, "messages in all during measurement (lost)", m.get("messages_total") + " (" + m.get("messages_lost") + ")");
        row(b, "rejoins; errors in simulated code", m.get("rejoins") + "; " + m.get("task_errors"));
        row(b, "wall time; heap in use after the run", wallMillis / 1000 + " s; " + heapMb + " MiB");
        b.append("\n## Per query shape\n\n| shape | limit | queries | matches (mean) | returned (mean) | precision live "
                + "| recall mean / min | messages mean / p95 | lookups | records fetched | latency median (ms) | stale | plans |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (ShapeFigures f : byShape(r)) {
            b.append("| ").append(f.shape()).append(" | ").append(f.limit() == 0 ? "all" : f.limit()).append(" | ")
                    .append(f.queries()).append(" | ").append(fmt(f.truthMean())).append(" | ")
                    .append(fmt(f.returnedMean())).append(" | ").append(pct(f.precision())).append(" | ")
                    .append(pct(f.recallMean())).append(" / ").append(pct(f.recallMin())).append(" | ")
                    .append(fmt(f.messagesMean())).append(" / ").append(fmt(f.messagesP95())).append(" | ")
                    .append(fmt(f.lookupsMean())).append(" | ").append(fmt(f.fetchedMean())).append(" | ")
                    .append(fmt(f.latencyMedianMillis())).append(" | ").append(f.stale()).append(" | ")
                    .append(f.plans()).append(" |\n");
        }
        b.append("\nShapes:\n\n");
        for (CapacityWorkload.Shape sh : CapacityWorkload.SHAPES) {
            b.append("- `").append(sh.name()).append("`: ").append(sh.description()).append('\n');
        }
        return b.toString();
    }

    private static double num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
