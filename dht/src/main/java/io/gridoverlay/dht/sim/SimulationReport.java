package io.gridoverlay.dht.sim;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link SimulationResult} as files in one directory:
 *
 * <pre>
 *   lookups.csv        one row per completed lookup ({@link LookupSample#CSV_HEADER})
 *   summary.csv        one header row and one value row: scenario parameters, then summary figures
 *   summary.md         Markdown: scenario, results, costs, links to the plots
 * </pre>
 *
 * Data only: the plots the summary links to (rounds.png, requests.png, latency-cdf.png) are rendered by the
 * command line ({@code grid-peer simulate}), so that this module depends on no plotting library.
 * Stateless; thread-safe.
 */
public final class SimulationReport {
    private SimulationReport() {
    }

    /** Writes every file listed in the class comment into {@code dir} (created if missing). */
    public static void writeAll(SimulationResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        writeLookupsCsv(result, dir.resolve("lookups.csv"));
        writeSummaryCsv(result, dir.resolve("summary.csv"));
        Files.writeString(dir.resolve("summary.md"), markdown(result), StandardCharsets.UTF_8);
    }

    /** One row per lookup. */
    public static void writeLookupsCsv(SimulationResult result, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(LookupSample.CSV_HEADER);
            w.write('\n');
            for (LookupSample s : result.lookups()) {
                w.write(s.toCsv());
                w.write('\n');
            }
        }
    }

    /** Scenario parameters then summary figures, as a header row and a value row. */
    public static void writeSummaryCsv(SimulationResult result, Path file) throws IOException {
        Map<String, String> row = summaryRow(result);
        String header = String.join(",", row.keySet());
        List<String> values = new ArrayList<>();
        for (String v : row.values()) {
            values.add(v.contains(",") ? '"' + v.replace("\"", "\"\"") + '"' : v);
        }
        Files.writeString(file, header + "\n" + String.join(",", values) + "\n", StandardCharsets.UTF_8);
    }

    /** Scenario parameters (prefixed {@code scenario.}) and summary figures in a stable order. */
    public static Map<String, String> summaryRow(SimulationResult result) {
        Map<String, String> row = new java.util.LinkedHashMap<>();
        new TreeMap<>(asStrings(result.scenario().toProperties())).forEach((k, v) -> row.put("scenario." + k, v));
        row.putAll(result.summary().asMap());
        return row;
    }

    private static Map<String, String> asStrings(java.util.Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return m;
    }

    /** The Markdown summary. */
    public static String markdown(SimulationResult result) {
        Scenario sc = result.scenario();
        SimulationResult.Summary s = result.summary();
        SimulationResult.Costs c = result.costs();
        StringBuilder b = new StringBuilder();
        b.append("# Simulation `").append(sc.name()).append("`\n\n");
        b.append("## Scenario\n\n| parameter | value |\n| --- | --- |\n");
        new TreeMap<>(asStrings(sc.toProperties())).forEach((k, v) -> b.append("| ").append(k).append(" | ")
                .append(v).append(" |\n"));
        b.append("\n## Results\n\n| measure | value |\n| --- | --- |\n");
        row(b, "lookups completed / issued", s.lookupsCompleted() + " / " + s.lookupsIssued());
        row(b, "exact k-closest match", pct(s.exactFraction()));
        row(b, "mean overlap with the true k closest live servers", pct(s.meanOverlap()));
        row(b, "mean overlap with the true k closest live honest servers", pct(s.meanHonestOverlap()));
        row(b, "rounds median / mean / p95", fmt(s.roundsMedian()) + " / " + fmt(s.roundsMean()) + " / "
                + fmt(s.roundsP95()));
        row(b, "requests per lookup median / mean", fmt(s.requestsMedian()) + " / " + fmt(s.requestsMean()));
        row(b, "virtual latency median / p95 (ms)", fmt(s.latencyMedianMillis()) + " / " + fmt(s.latencyP95Millis()));
        row(b, "requests handled per server max / mean", s.loadMax() + " / " + fmt(s.loadMean()));
        row(b, "routing-table quality (live bucket fill vs optimum)", pct(s.tableQuality()));
        row(b, "stale routing-table entries", pct(s.tableStale()));
        row(b, "GET_VALUE after PUT_VALUE", s.valueSuccesses() + " / " + s.valueChecks());
        row(b, "GET_PROVIDERS after ADD_PROVIDER", s.providerSuccesses() + " / " + s.providerChecks());
        row(b, "messages (lost)", s.messages() + " (" + s.messagesLost() + ")");
        row(b, "rejoins during measurement", Long.toString(s.rejoins()));
        row(b, "nodes online at end", Integer.toString(s.onlineAtEnd()));
        row(b, "errors in simulated code", Long.toString(s.taskErrors()));
        b.append("\n## Success definitions and miss diagnosis\n\n");
        b.append("Strict: result = the k closest servers live at completion. Stable overlap: share of the k closest ")
                .append("servers live for the whole lookup that was returned. Fair: result = the k closest among the ")
                .append("servers live for the whole lookup plus returned peers live at some moment of it.\n\n");
        b.append("| measure | value |\n| --- | --- |\n");
        row(b, "exact (strict, truth at completion)", pct(s.exactFraction()));
        row(b, "exact (fair, truth over the lookup interval)", pct(s.fairExactFraction()));
        row(b, "mean overlap with the stable truth", pct(s.meanStableOverlap()));
        row(b, "lookups whose strict truth moved (a true-closest peer joined during the lookup)",
                pct(s.movedTruthFraction()));
        SimulationResult.Misses m = s.misses();
        long total = Math.max(1, m.total());
        row(b, "missed strict-truth peers (sum over lookups)", Long.toString(m.total()));
        row(b, "— joined during the lookup", share(m.joined(), total));
        row(b, "— never learned (no contacted node reported it)", share(m.neverLearned(), total));
        row(b, "— learned, never contacted", share(m.uncontacted(), total));
        row(b, "— contacted, no answer reached the source", share(m.noAnswer(), total));
        row(b, "— answered, not returned", share(m.answered(), total));
        SimulationResult.Extras x = s.extras();
        row(b, "returned peers outside the strict truth: stale / left during / live but farther",
                x.stale() + " / " + x.left() + " / " + x.liveFarther());
        row(b, "lookups that returned / were answered by an honest true-closest peer",
                pct(s.honestReturnedFraction()) + " / " + pct(s.honestAnsweredFraction()));
        row(b, "lookups from sources (re)joined < 60 s before (strict exact among them)",
                s.freshSourceLookups() + " (" + pct(s.freshSourceExact()) + ")");
        b.append("\n## Costs\n\n| measure | value |\n| --- | --- |\n");
        row(b, "identities (wall ms)", Long.toString(c.identityMillis()));
        row(b, "set-up (wall ms)", Long.toString(c.initMillis()));
        row(b, "measurement (wall ms)", Long.toString(c.runMillis()));
        row(b, "heap in use after the run (MiB)", Long.toString(c.heapUsedMb()));
        row(b, "virtual time measured (s)", fmt(c.virtualSeconds()));
        b.append("\n![rounds](rounds.png)\n\n![requests](requests.png)\n\n![latency CDF](latency-cdf.png)\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    private static String share(long part, long total) {
        return part + " (" + String.format(Locale.ROOT, "%.1f %%", 100.0 * part / total) + ")";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
