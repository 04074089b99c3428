package io.gridoverlay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacitySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code grid-peer find-capacity} run in-process against a few in-JVM peers on loopback that advertise
 * capacity files as {@code run --capacity} does; and the command's refusal of bad input before any network work.
 */
class FindCapacityCommandTest {
    private static final long GIB = 1L << 30;

    private final List<DhtPeer> peers = new ArrayList<>();
    private final List<CapacityPublisher> publishers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        publishers.forEach(CapacityPublisher::close);
        peers.forEach(DhtPeer::close);
    }

    /** Exit code, standard output and standard error of one command line. */
    private record Run(int code, String out, String err) {
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine()
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String address(DhtPeer p) {
        return p.host.listenAddresses().get(0) + "/p2p/" + p.peerId().toBase58();
    }

    @Test
    void findCapacityPrintsAsJsonExactlyTheAdvertisedNodesThatMatch() throws Exception {
        List<Path> files = List.of(Path.of("capacity.example.toml"), Path.of("capacity.example.yaml"),
                write("nl.yaml", "cores: 16\nmemory: 64GiB\nssd: 2TiB\ncountry: \"NL\"\ncity: Amsterdam\n"
                        + "latitude: 52.37\nlongitude: 4.90\nfarm: 7\ncertification: gold\n"
                        + "price: {currency: TFT, core_hour: 0.018}\n"
                        + "gpus:\n  - {vendor: nvidia, model: A100, memory: 80GiB, count: 1}\n"),
                write("de.toml", "cores = 64\nmemory = \"256GiB\"\nssd = \"8TiB\"\ncountry = \"DE\"\ncity = \"Berlin\"\n"
                        + "latitude = 52.52\nlongitude = 13.40\nfarm = 3\nprice = 0.04\n"),
                write("small.toml", "cores = 4\nmemory = \"8GiB\"\ncountry = \"BE\"\nlatitude = 51.2\nlongitude = 4.4\n"
                        + "price = 0.01\n"));
        for (int i = 0; i < files.size(); i++) {
            peers.add(DhtPeer.start(Ed25519.generate().privateKey(), List.of("/ip4/127.0.0.1/tcp/0"),
                    DhtConfig.GRID_PROTOCOL, true));
        }
        for (int i = 1; i < peers.size(); i++) {
            assertThat(peers.get(i).bootstrap(List.of(address(peers.get(0)))).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        for (DhtPeer p : peers) {
            p.dht.bootstrap(List.of()).get(30, TimeUnit.SECONDS);
        }
        List<CapacityRecord> advertised = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            CapacitySource source = CapacityCommands.sourceFor(files.get(i), false, DhtConfig.GRID_PROTOCOL);
            CapacityPublisher pub = CapacityCommands.advertise(peers.get(i), source, new PrintStream(log, true, StandardCharsets.UTF_8));
            publishers.add(pub);
            assertThat(log.toString(StandardCharsets.UTF_8)).startsWith("advertising capacity: ").doesNotContain("not yet");
            advertised.add(pub.current().get(10, TimeUnit.SECONDS).orElseThrow().record());
        }
        // the two example files state the same node
        assertThat(advertised.get(0).total()).isEqualTo(advertised.get(1).total());
        assertThat(advertised.get(0).gpus()).isEqualTo(advertised.get(1).gpus());

        String boot = address(peers.get(1));
        List<String[]> queries = List.of(
                new String[] {},
                new String[] {"--min-free-cores", "8", "--min-free-memory", "32GiB", "--gpu", "nvidia",
                    "--min-gpu-memory", "24GiB", "--country", "BE,NL", "--max-price", "0.03", "--near", "50.85,4.35"},
                new String[] {"--country", "BE", "--sort", "price"},
                new String[] {"--near", "50.85,4.35,100"},
                new String[] {"--certified", "--min-free-ssd", "1TiB"},
                new String[] {"--farm", "3,7", "--sort", "free"});
        List<CapacityQuery> asQueries = List.of(
                CapacityQuery.builder().build(),
                CapacityQuery.builder().minFreeCores(8).minFreeMemory(32 * GIB).gpuVendors("nvidia").minGpuMemory(24 * GIB)
                        .countries("BE", "NL").maxPricePerCoreHour(30_000).build(),
                CapacityQuery.builder().countries("BE").build(),
                CapacityQuery.builder().near(50.85, 4.35, 100).build(),
                CapacityQuery.builder().minCertification(CapacityRecord.Certification.CERTIFIED).minFreeSsd(1L << 40).build(),
                CapacityQuery.builder().farms(3, 7).build());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < queries.size(); i++) {
            List<String> args = new ArrayList<>(List.of("find-capacity", "--bootstrap", boot, "--json", "--limit", "0"));
            args.addAll(List.of(queries.get(i)));
            Run run = execute(args.toArray(String[]::new));
            assertThat(run.code()).as("%s: %s", args, run.err()).isZero();
            JsonNode doc = json.readTree(run.out());
            Instant now = Instant.now();
            CapacityQuery q = asQueries.get(i);
            Set<String> expected = advertised.stream().filter(r -> q.matches(r, now)).map(r -> r.nodeId().toBase58())
                    .collect(Collectors.toSet());
            Set<String> got = StreamSupport.stream(doc.get("matches").spliterator(), false)
                    .map(m -> m.get("nodeId").asText()).collect(Collectors.toSet());
            assertThat(got).as("%s -> %s", args, doc.get("query")).isEqualTo(expected);
            assertThat(doc.get("matches")).allSatisfy(m ->
                    assertThat(m.get("record").get("nodeId").asText()).isEqualTo(m.get("nodeId").asText()));
            assertThat(doc.get("cost").get("recordsRejected").asInt()).isZero();
            assertThat(doc.get("cost").get("lookups").asInt()).isPositive();
        }
        // the second query is the example: the two BE nodes of the example files and the NL one, nearest first
        Run example = execute("find-capacity", "--bootstrap", boot, "--json", "--min-free-cores", "8", "--min-free-memory",
                "32GiB", "--gpu", "nvidia", "--min-gpu-memory", "24GiB", "--country", "BE,NL", "--max-price", "0.03",
                "--near", "50.85,4.35", "--limit", "5");
        JsonNode matches = json.readTree(example.out()).get("matches");
        assertThat(matches).hasSize(3);
        assertThat(StreamSupport.stream(matches.spliterator(), false)
                .map(m -> m.get("record").get("location").get("country").asText())).containsExactly("BE", "BE", "NL");
        assertThat(matches.get(1).get("distanceKm").asDouble()).isLessThan(matches.get(2).get("distanceKm").asDouble());

        // the table names every match and states the cost
        Run table = execute("find-capacity", "--bootstrap", boot, "--country", "DE");
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains(advertised.get(3).nodeId().toBase58()).contains("# 1 match").contains("# cost: plan ");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Nothing listens on port 9 of loopback: a command that got as far as the network would say it cannot reach it. */
    private static final String NOBODY = "/ip4/127.0.0.1/tcp/9/p2p/12D3KooWD7nLXhymRpLJQdch7GyyiyXmdpWQTYoXFjHCYp5n3AMf";

    @Test
    void badSizeIsRefusedBeforeAnyNetworkWork() {
        Run r = execute("find-capacity", "--bootstrap", NOBODY, "--min-free-memory", "32G");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--min-free-memory").contains("unknown unit").doesNotContain("could not reach");
    }

    @Test
    void badCountryIsRefusedBeforeAnyNetworkWork() {
        Run r = execute("find-capacity", "--bootstrap", NOBODY, "--country", "Belgium");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("invalid query").contains("Belgium").doesNotContain("could not reach");
    }

    @Test
    void badPointPriceAndSortAreRefusedBeforeAnyNetworkWork() {
        assertThat(execute("find-capacity", "--bootstrap", NOBODY, "--near", "95,4.35").err()).contains("invalid coordinates");
        assertThat(execute("find-capacity", "--bootstrap", NOBODY, "--near", "50.85").err()).contains("LAT,LON");
        assertThat(execute("find-capacity", "--bootstrap", NOBODY, "--max-price", "0.0000001").err()).contains("6 decimals");
        assertThat(execute("find-capacity", "--bootstrap", NOBODY, "--sort", "cheapest").code()).isEqualTo(2);
        assertThat(execute("find-capacity", "--bootstrap", NOBODY, "--sort", "distance").err())
                .contains("sorting by distance needs near");
    }

    @Test
    void unreachableBootstrapPeerIsReportedAsSuch() {
        Run r = execute("find-capacity", "--bootstrap", NOBODY, "--timeout", "20");
        assertThat(r.code()).isEqualTo(Cli.UNREACHABLE);
        assertThat(r.err()).contains("could not reach any bootstrap peer: " + NOBODY + ": ");
    }

    @Test
    @Timeout(60)
    void runRefusesABadCapacityFileBeforeStarting() throws Exception {
        Path bad = write("bad.toml", "cores = 4\nmemory = \"8GiB\"\ncolour = \"red\"\n");
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = execute("run", "--listen", "/ip4/127.0.0.1/tcp/0", "--protocol", DhtConfig.GRID_PROTOCOL,
                    "--capacity", bad.toString()).code();
        } finally {
            System.setErr(savedErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad.toString()).contains("key 'colour'");
    }

    @Test
    void runAdvertisesNothingOnAnotherDhtUnlessGivenAFile() {
        assertThat(CapacityCommands.sourceFor(null, false, "/ipfs/kad/1.0.0")).isNull();
        assertThat(CapacityCommands.sourceFor(null, true, DhtConfig.GRID_PROTOCOL)).isNull();
        assertThat(CapacityCommands.sourceFor(null, false, DhtConfig.GRID_PROTOCOL)).isNotNull();
        assertThat(CapacityCommands.sourceFor(Path.of("capacity.example.toml"), false, "/ipfs/kad/1.0.0")).isNotNull();
    }
}
