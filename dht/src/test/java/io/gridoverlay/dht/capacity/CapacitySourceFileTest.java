package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link CapacitySource#file}: TOML and YAML capacity files, and every way a file is refused. */
class CapacitySourceFileTest {
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final PrivateKey KEY = Ed25519.generate().privateKey();
    private static final PeerId NODE = KEY.peerId();
    private static final List<Multiaddr> ADDRS = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private CapacityRecord read(String name, String text) throws IOException {
        return CapacitySource.file(write(name, text)).read(NODE, ADDRS);
    }

    /** The record without the fields a source sets at each read (issue and expiry time). */
    private static CapacityRecord timeless(CapacityRecord r) {
        return r.toBuilder().issuedAt(Instant.EPOCH).expiresAt(Instant.EPOCH.plusSeconds(1)).build();
    }

    private static final String FULL_TOML = """
            cores = 32
            memory = "128GiB"
            ssd = "4TiB"
            hdd = 17592186044416
            public_ipv4 = 2
            public_ipv6 = 1
            country = "be"
            city = "Ghent"
            latitude = 51.05
            longitude = 3.72
            farm = 42
            certification = "Certified"

            [free]
            cores = 24
            memory = "96 GiB"
            ssd = "3TiB"

            [price]
            currency = "TFT"
            core_hour = 0.025
            memory_gib_hour = 0.004
            ssd_tib_month = 2.5
            hdd_tib_month = 0.9
            ipv4_month = 1.2

            [[gpus]]
            vendor = "NVIDIA"
            model = "RTX 4090"
            memory = "24GiB"
            count = 2
            free = 1

            [[gpus]]
            vendor = "amd"
            model = "Instinct MI210"
            memory = "64GiB"
            """;

    private static final String FULL_YAML = """
            cores: 32
            memory: 128GiB
            ssd: 4TiB
            hdd: 17592186044416
            public_ipv4: 2
            public_ipv6: 1
            country: "be"
            city: Ghent
            latitude: 51.05
            longitude: 3.72
            farm: 42
            certification: Certified
            free:
              cores: 24
              memory: 96 GiB
              ssd: 3TiB
            price:
              currency: TFT
              core_hour: 0.025
              memory_gib_hour: 0.004
              ssd_tib_month: 2.5
              hdd_tib_month: 0.9
              ipv4_month: 1.2
            gpus:
              - vendor: NVIDIA
                model: RTX 4090
                memory: 24GiB
                count: 2
                free: 1
              - vendor: amd
                model: Instinct MI210
                memory: 64GiB
            """;

    @Test
    void tomlFileWithEveryKeyIsTheRecordItStates() throws IOException {
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        CapacityRecord r = read("node.toml", FULL_TOML);
        assertThat(r.nodeId()).isEqualTo(NODE);
        assertThat(r.listenAddrs()).isEqualTo(ADDRS);
        assertThat(r.seq()).isZero();
        assertThat(r.issuedAt()).isBetween(before, Instant.now());
        assertThat(r.total()).isEqualTo(new Resources(32, 128 * GIB, 4 * TIB, 16 * TIB));
        // hdd not stated under [free]: its total
        assertThat(r.free()).isEqualTo(new Resources(24, 96 * GIB, 3 * TIB, 16 * TIB));
        assertThat(r.gpus()).containsExactly(new Gpu("nvidia", "RTX 4090", 24 * GIB, 2, 1),
                new Gpu("amd", "Instinct MI210", 64 * GIB, 1, 1));
        assertThat(r.publicIpv4()).isEqualTo(2);
        assertThat(r.publicIpv6()).isEqualTo(1);
        assertThat(r.location()).isEqualTo(new CapacityRecord.Location("BE", "Ghent", 51_050_000, 3_720_000));
        assertThat(r.farmId()).isEqualTo(42);
        assertThat(r.certification()).isEqualTo(Certification.CERTIFIED);
        assertThat(r.price()).isEqualTo(new CapacityRecord.Price("TFT", 25_000, 4_000, 2_500_000, 900_000, 1_200_000));
        // the record is publishable: it signs and verifies
        assertThat(CapacityRecord.open(r.sign(KEY).toBytes(), Instant.now()).isValid()).isTrue();
    }

    @Test
    void yamlFileStatesTheSameRecordAsTheSameKeysInToml() throws IOException {
        CapacityRecord toml = read("node.toml", FULL_TOML);
        CapacityRecord yaml = read("node.yaml", FULL_YAML);
        CapacityRecord yml = read("node.yml", FULL_YAML);
        assertThat(timeless(yaml)).isEqualTo(timeless(toml));
        assertThat(timeless(yml)).isEqualTo(timeless(toml));
    }

    @Test
    void minimalFileHasEverythingFreeAndNothingElse() throws IOException {
        CapacityRecord r = read("min.toml", "cores = 4\nmemory = 8589934592\n");
        assertThat(r.total()).isEqualTo(new Resources(4, 8 * GIB, 0, 0));
        assertThat(r.free()).isEqualTo(r.total());
        assertThat(r.gpus()).isEmpty();
        assertThat(r.location()).isEqualTo(CapacityRecord.Location.UNKNOWN);
        assertThat(r.price()).isEqualTo(CapacityRecord.Price.FREE);
        assertThat(r.certification()).isEqualTo(Certification.NONE);
        assertThat(r.farmId()).isZero();
    }

    @Test
    void barePriceIsTheCoreHourPriceAndIpv6MayBeABoolean() throws IOException {
        CapacityRecord r = read("p.yaml", "cores: 2\nmemory: 4GiB\nprice: 0.5\npublic_ipv6: true\n");
        assertThat(r.price()).isEqualTo(new CapacityRecord.Price("", 500_000, 0, 0, 0, 0));
        assertThat(r.publicIpv6()).isEqualTo(1);
    }

    @Test
    void decimalAndDecimalUnitSizesAreExact() throws IOException {
        CapacityRecord r = read("s.toml", "cores = 1\nmemory = \"1.5GiB\"\nssd = \"500GB\"\nhdd = \"2 TiB\"\n");
        assertThat(r.total()).isEqualTo(new Resources(1, 3 * GIB / 2, 500_000_000_000L, 2 * TIB));
    }

    @Test
    void theFileIsReadOnceWhenTheSourceIsMadeAndNamesEachNodeItIsAskedFor() throws IOException {
        Path p = write("once.toml", "cores = 4\nmemory = \"8GiB\"\n");
        CapacitySource source = CapacitySource.file(p);
        Files.writeString(p, "this is no longer TOML =");
        PeerId other = Ed25519.generate().privateKey().peerId();
        assertThat(source.read(other, List.of()).nodeId()).isEqualTo(other);
        assertThat(source.read(other, List.of()).total().cores()).isEqualTo(4);
    }

    @Test
    void fixedSourceKeepsTheTemplateAndNamesTheNodeAndItsAddresses() throws IOException {
        CapacityRecord template = read("node.toml", FULL_TOML);
        PrivateKey other = Ed25519.generate().privateKey();
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/10.0.0.7/tcp/4001"));
        CapacityRecord r = CapacitySource.fixed(template.toBuilder().seq(9).build()).read(other.peerId(), addrs);
        assertThat(r.nodeId()).isEqualTo(other.peerId());
        assertThat(r.listenAddrs()).isEqualTo(addrs);
        assertThat(r.seq()).isZero();
        assertThat(timeless(r)).isEqualTo(timelessFor(template, other.peerId(), addrs));
    }

    private static CapacityRecord timelessFor(CapacityRecord template, PeerId node, List<Multiaddr> addrs) {
        return timeless(CapacityRecord.builder(node).farmId(template.farmId()).total(template.total())
                .free(template.free()).gpus(template.gpus()).publicIps(template.publicIpv4(), template.publicIpv6())
                .location(template.location()).price(template.price()).certification(template.certification())
                .uptime(template.uptime()).listenAddrs(addrs).build());
    }

    /** name, file name, content, the key the error names (null: none), a fragment of the message. */
    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown top-level key", "a.toml", "cores = 4\nmemory = \"8GiB\"\ncolour = \"red\"\n",
                        "colour", "unknown key"),
                Arguments.of("unknown key under free", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[free]\ngpus = 1\n",
                        "free.gpus", "unknown key"),
                Arguments.of("unknown key of a gpu", "a.yaml",
                        "cores: 4\nmemory: 8GiB\ngpus:\n  - vendor: nvidia\n    memory: 8GiB\n    speed: 3\n",
                        "gpus[0].speed", "unknown key"),
                Arguments.of("unknown key under price", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[price]\nper_hour = 1\n",
                        "price.per_hour", "unknown key"),
                Arguments.of("cores missing", "a.toml", "memory = \"8GiB\"\n", "cores", "is required"),
                Arguments.of("memory missing", "a.yaml", "cores: 4\n", "memory", "is required"),
                Arguments.of("cores as text", "a.toml", "cores = \"many\"\nmemory = \"8GiB\"\n", "cores", "whole number"),
                Arguments.of("fractional cores", "a.toml", "cores = 2.5\nmemory = \"8GiB\"\n", "cores", "whole number"),
                Arguments.of("negative cores", "a.yaml", "cores: -1\nmemory: 8GiB\n", "cores", "outside"),
                Arguments.of("cores beyond an int", "a.toml", "cores = 3000000000\nmemory = \"8GiB\"\n", "cores", "outside"),
                Arguments.of("size without a known unit", "a.toml", "cores = 4\nmemory = \"8 gigs\"\n", "memory", "unknown unit"),
                Arguments.of("ambiguous size unit", "a.toml", "cores = 4\nmemory = \"8G\"\n", "memory", "unknown unit"),
                Arguments.of("size that is not a number", "a.yaml", "cores: 4\nmemory: lots\n", "memory", "unknown unit"),
                Arguments.of("negative size", "a.toml", "cores = 4\nmemory = -5\n", "memory", "negative"),
                Arguments.of("negative size text", "a.toml", "cores = 4\nmemory = \"-5GiB\"\n", "memory", "negative"),
                Arguments.of("fraction of a byte", "a.toml", "cores = 4\nmemory = \"1.5B\"\n", "memory", "whole number of bytes"),
                Arguments.of("size as a boolean", "a.yaml", "cores: 4\nmemory: true\n", "memory", "must be a size"),
                Arguments.of("free is not a table", "a.toml", "cores = 4\nmemory = \"8GiB\"\nfree = 3\n", "free", "must be a table"),
                Arguments.of("more free cores than cores", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[free]\ncores = 5\n",
                        "free.cores", "more than cores"),
                Arguments.of("more free memory than memory", "a.yaml", "cores: 4\nmemory: 8GiB\nfree:\n  memory: 9GiB\n",
                        "free.memory", "more than memory"),
                Arguments.of("free ssd without ssd", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[free]\nssd = \"1TiB\"\n",
                        "free.ssd", "more than ssd"),
                Arguments.of("gpus not a list", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[gpus]\nvendor = \"nvidia\"\n",
                        "gpus", "must be a list"),
                Arguments.of("gpu that is not a table", "a.yaml", "cores: 4\nmemory: 8GiB\ngpus:\n  - nvidia\n",
                        "gpus[0]", "must be a table"),
                Arguments.of("gpu without vendor", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[[gpus]]\nmemory = \"8GiB\"\n",
                        "gpus[0].vendor", "is required"),
                Arguments.of("gpu without memory", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[[gpus]]\nvendor = \"amd\"\n",
                        "gpus[0].memory", "is required"),
                Arguments.of("gpu count zero", "a.toml",
                        "cores = 4\nmemory = \"8GiB\"\n[[gpus]]\nvendor = \"amd\"\nmemory = \"8GiB\"\ncount = 0\n",
                        "gpus[0].count", "outside"),
                Arguments.of("more free gpus than gpus", "a.toml", "cores = 4\nmemory = \"8GiB\"\n[[gpus]]\nvendor = \"amd\"\n"
                        + "memory = \"8GiB\"\n[[gpus]]\nvendor = \"amd\"\nmemory = \"8GiB\"\ncount = 2\nfree = 3\n",
                        "gpus[1].free", "more than gpus[1].count"),
                Arguments.of("country not a code", "a.toml", "cores = 4\nmemory = \"8GiB\"\ncountry = \"Belgium\"\n",
                        "country", "two-letter"),
                Arguments.of("country as a number", "a.yaml", "cores: 4\nmemory: 8GiB\ncountry: 32\n", "country", "must be text"),
                Arguments.of("city too long", "a.toml", "cores = 4\nmemory = \"8GiB\"\ncity = \"" + "x".repeat(129) + "\"\n",
                        "city", "longer than 128"),
                Arguments.of("latitude out of range", "a.toml",
                        "cores = 4\nmemory = \"8GiB\"\nlatitude = 91.0\nlongitude = 3.0\n", "latitude", "outside"),
                Arguments.of("longitude out of range", "a.toml",
                        "cores = 4\nmemory = \"8GiB\"\nlatitude = 50.0\nlongitude = -180.5\n", "longitude", "outside"),
                Arguments.of("latitude without longitude", "a.toml", "cores = 4\nmemory = \"8GiB\"\nlatitude = 50.0\n",
                        "longitude", "go together"),
                Arguments.of("latitude as text", "a.toml",
                        "cores = 4\nmemory = \"8GiB\"\nlatitude = \"50N\"\nlongitude = 3.0\n", "latitude", "number of degrees"),
                Arguments.of("negative farm", "a.toml", "cores = 4\nmemory = \"8GiB\"\nfarm = -2\n", "farm", "outside"),
                Arguments.of("unknown certification", "a.toml", "cores = 4\nmemory = \"8GiB\"\ncertification = \"platinum\"\n",
                        "certification", "not one of"),
                Arguments.of("negative price", "a.toml", "cores = 4\nmemory = \"8GiB\"\nprice = -1\n", "price", "negative"),
                Arguments.of("price below a millionth", "a.toml",
                        "cores = 4\nmemory = \"8GiB\"\n[price]\ncore_hour = 0.0000001\n", "price.core_hour", "6 decimals"),
                Arguments.of("price as text", "a.yaml", "cores: 4\nmemory: 8GiB\nprice:\n  core_hour: cheap\n",
                        "price.core_hour", "must be a number"),
                Arguments.of("price as a list", "a.yaml", "cores: 4\nmemory: 8GiB\nprice: [1, 2]\n", "price", "a list"),
                Arguments.of("negative public ipv4", "a.toml", "cores = 4\nmemory = \"8GiB\"\npublic_ipv4 = -1\n",
                        "public_ipv4", "outside"),
                Arguments.of("public ipv6 as text", "a.yaml", "cores: 4\nmemory: 8GiB\npublic_ipv6: yes please\n",
                        "public_ipv6", "whole number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badValueIsRefusedNamingTheKeyAndTheFile(String name, String fileName, String text, String key, String problem)
            throws IOException {
        Path p = write(fileName, text);
        assertThatThrownBy(() -> CapacitySource.file(p))
                .isInstanceOfSatisfying(CapacityFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(p);
                    assertThat(e.key()).contains(key);
                    assertThat(e.getMessage()).startsWith(p + ": key '" + key + "': ").contains(problem);
                });
    }

    private void refusedAsAWhole(Path p, String problem) {
        assertThatThrownBy(() -> CapacitySource.file(p))
                .isInstanceOfSatisfying(CapacityFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(p);
                    assertThat(e.key()).isEmpty();
                    assertThat(e.getMessage()).startsWith(p + ": ").contains(problem);
                });
    }

    @Test
    void missingFileIsRefused() {
        refusedAsAWhole(dir.resolve("absent.toml"), "cannot be read");
    }

    @Test
    void fileOfAnotherFormatIsRefusedByItsName() throws IOException {
        refusedAsAWhole(write("node.json", "{\"cores\": 4}"), "*.toml, *.yaml or *.yml");
    }

    @Test
    void tomlSyntaxErrorIsRefusedWithItsLine() throws IOException {
        refusedAsAWhole(write("bad.toml", "cores = 4\nmemory = \"8GiB\n"), "not valid TOML (line 2)");
    }

    @Test
    void tomlDuplicateKeyIsRefused() throws IOException {
        refusedAsAWhole(write("dup.toml", "cores = 4\ncores = 8\nmemory = \"8GiB\"\n"), "not valid TOML");
    }

    @Test
    void yamlSyntaxErrorIsRefused() throws IOException {
        refusedAsAWhole(write("bad.yaml", "cores: 4\nmemory: [8GiB\n"), "not valid YAML");
    }

    @Test
    void yamlDuplicateKeyIsRefused() throws IOException {
        refusedAsAWhole(write("dup.yaml", "cores: 4\ncores: 8\nmemory: 8GiB\n"), "Duplicate field 'cores'");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        refusedAsAWhole(write("empty.yaml", "# nothing yet\n"), "is empty");
        refusedAsAWhole(write("empty.toml", ""), "is empty");
    }

    @Test
    void yamlWhoseTopLevelIsAListIsRefused() throws IOException {
        refusedAsAWhole(write("list.yaml", "- cores: 4\n"), "not a list");
    }

    @Test
    void oversizedFileIsRefusedUnread() throws IOException {
        refusedAsAWhole(write("big.toml", "# " + "x".repeat(CapacityFile.MAX_FILE_BYTES) + "\ncores = 4\n"), "larger than");
    }
}
