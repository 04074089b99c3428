package io.gridoverlay.dht.capacity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.CapacityRecord.Uptime;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a capacity file (TOML or YAML, chosen by the file's extension) strictly into a {@link CapacitySpec};
 * the rules are those of {@link CapacitySource#file}. Every failure is a {@link CapacityFileException} naming
 * the file and the key. Stateless.
 */
final class CapacityFile {
    /** Largest capacity file read. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    /** Most GPUs of one model on one node. */
    static final int MAX_GPU_COUNT = 1024;

    private static final Set<String> TOP_KEYS = Set.of("cores", "memory", "ssd", "hdd", "free", "gpus", "country",
            "city", "latitude", "longitude", "farm", "certification", "price", "public_ipv4", "public_ipv6");
    private static final Set<String> RESOURCE_KEYS = Set.of("cores", "memory", "ssd", "hdd");
    private static final Set<String> GPU_KEYS = Set.of("vendor", "model", "memory", "count", "free");
    private static final Set<String> PRICE_KEYS = Set.of("currency", "core_hour", "memory_gib_hour", "ssd_tib_month",
            "hdd_tib_month", "ipv4_month");

    private final Path file;

    private CapacityFile(Path file) {
        this.file = file;
    }

    /** Reads and checks {@code file}. */
    static CapacitySpec read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper;
        String format;
        if (name.endsWith(".toml")) {
            mapper = TomlMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
            format = "TOML";
        } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            mapper = YAMLMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
            format = "YAML";
        } else {
            throw new CapacityFileException(file, null, "unknown format: a capacity file is named *.toml, *.yaml or *.yml", null);
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new CapacityFileException(file, null, "larger than " + MAX_FILE_BYTES + " bytes", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CapacityFileException(file, null, "cannot be read: " + e, e);
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                    : " (line " + e.getLocation().getLineNr() + ")";
            throw new CapacityFileException(file, null, "not valid " + format + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CapacityFileException(file, null, "cannot be read: " + e, e);
        }
        if (root == null || root.isMissingNode() || root.isNull() || (root.isObject() && root.isEmpty())) {
            throw new CapacityFileException(file, null, "is empty: it must state at least cores and memory", null);
        }
        if (!root.isObject()) {
            throw new CapacityFileException(file, null, "must hold keys and values at its top level, not " + kind(root), null);
        }
        return new CapacityFile(file).parse(root);
    }

    private CapacitySpec parse(JsonNode root) {
        onlyKeys(root, "", TOP_KEYS);
        int cores = (int) integer(root, "cores", "", true, 0, Integer.MAX_VALUE, 0);
        long memory = size(root, "memory", "", true, 0);
        long ssd = size(root, "ssd", "", false, 0);
        long hdd = size(root, "hdd", "", false, 0);
        Resources total = new Resources(cores, memory, ssd, hdd);
        Resources free = total;
        JsonNode f = root.get("free");
        if (f != null) {
            if (!f.isObject()) {
                throw bad("free", "must be a table of cores, memory, ssd and hdd, not " + kind(f));
            }
            onlyKeys(f, "free.", RESOURCE_KEYS);
            int freeCores = (int) integer(f, "cores", "free.", false, 0, Integer.MAX_VALUE, cores);
            long freeMemory = size(f, "memory", "free.", false, memory);
            long freeSsd = size(f, "ssd", "free.", false, ssd);
            long freeHdd = size(f, "hdd", "free.", false, hdd);
            notAbove("free.cores", freeCores, "cores", cores);
            notAbove("free.memory", freeMemory, "memory", memory);
            notAbove("free.ssd", freeSsd, "ssd", ssd);
            notAbove("free.hdd", freeHdd, "hdd", hdd);
            free = new Resources(freeCores, freeMemory, freeSsd, freeHdd);
        }
        List<Gpu> gpus = gpus(root.get("gpus"));
        String country = "";
        if (root.has("country")) {
            country = text(root, "country", "").toUpperCase(Locale.ROOT);
            if (!country.matches("[A-Z]{2}")) {
                throw bad("country", "'" + root.get("country").asText() + "' is not a two-letter ISO 3166-1 code (e.g. BE)");
            }
        }
        String city = root.has("city") ? text(root, "city", "") : "";
        int latE6 = 0;
        int lonE6 = 0;
        if (root.has("latitude") != root.has("longitude")) {
            throw bad(root.has("latitude") ? "longitude" : "latitude", "is missing: latitude and longitude go together");
        }
        if (root.has("latitude")) {
            latE6 = degreesE6(root, "latitude", 90);
            lonE6 = degreesE6(root, "longitude", 180);
        }
        long farm = integer(root, "farm", "", false, 0, Long.MAX_VALUE, 0);
        Certification cert = Certification.NONE;
        if (root.has("certification")) {
            String c = text(root, "certification", "").toUpperCase(Locale.ROOT);
            try {
                cert = Certification.valueOf(c);
            } catch (IllegalArgumentException e) {
                throw bad("certification", "'" + root.get("certification").asText()
                        + "' is not one of none, diy, certified, gold");
            }
        }
        Price price = price(root.get("price"));
        int ipv4 = (int) integer(root, "public_ipv4", "", false, 0, Integer.MAX_VALUE, 0);
        int ipv6;
        JsonNode v6 = root.get("public_ipv6");
        if (v6 != null && v6.isBoolean()) {
            ipv6 = v6.booleanValue() ? 1 : 0;
        } else {
            ipv6 = (int) integer(root, "public_ipv6", "", false, 0, Integer.MAX_VALUE, 0);
        }
        return new CapacitySpec(farm, total, free, gpus, ipv4, ipv6, new Location(country, city, latE6, lonE6), price,
                cert, Uptime.UNKNOWN, List.of());
    }

    private List<Gpu> gpus(JsonNode list) {
        List<Gpu> gpus = new ArrayList<>();
        if (list == null) {
            return gpus;
        }
        if (!list.isArray()) {
            throw bad("gpus", "must be a list of GPUs ([[gpus]] in TOML, '- vendor: ...' items in YAML), not " + kind(list));
        }
        if (list.size() > CapacityRecord.MAX_LIST_LENGTH) {
            throw bad("gpus", "lists " + list.size() + " GPU models; at most " + CapacityRecord.MAX_LIST_LENGTH);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode g = list.get(i);
            String prefix = "gpus[" + i + "].";
            if (!g.isObject()) {
                throw bad("gpus[" + i + "]", "must be a table of vendor, model, memory, count and free, not " + kind(g));
            }
            onlyKeys(g, prefix, GPU_KEYS);
            String vendor = text(g, "vendor", prefix);
            String model = g.has("model") ? text(g, "model", prefix) : "";
            long memory = size(g, "memory", prefix, true, 0);
            int count = (int) integer(g, "count", prefix, false, 1, MAX_GPU_COUNT, 1);
            int free = (int) integer(g, "free", prefix, false, 0, Integer.MAX_VALUE, count);
            notAbove(prefix + "free", free, prefix + "count", count);
            gpus.add(new Gpu(vendor, model, memory, count, free));
        }
        return gpus;
    }

    private Price price(JsonNode p) {
        if (p == null) {
            return Price.FREE;
        }
        if (p.isNumber()) {
            return new Price("", micros(p, "price"), 0, 0, 0, 0);
        }
        if (!p.isObject()) {
            throw bad("price", "must be a number (the price of a core-hour) or a table of currency, core_hour, "
                    + "memory_gib_hour, ssd_tib_month, hdd_tib_month and ipv4_month, not " + kind(p));
        }
        onlyKeys(p, "price.", PRICE_KEYS);
        String currency = p.has("currency") ? text(p, "currency", "price.") : "";
        return new Price(currency, micros(p, "core_hour"), micros(p, "memory_gib_hour"), micros(p, "ssd_tib_month"),
                micros(p, "hdd_tib_month"), micros(p, "ipv4_month"));
    }

    /** {@code price.<name>} (or the bare {@code price}) in micro-units; 0 when absent. */
    private long micros(JsonNode parent, String name) {
        JsonNode v = name.equals("price") ? parent : parent.get(name);
        String key = name.equals("price") ? "price" : "price." + name;
        if (v == null) {
            return 0;
        }
        if (!v.isNumber()) {
            throw bad(key, "must be a number (an amount of the currency, e.g. 0.025), not " + kind(v));
        }
        BigDecimal d = v.decimalValue();
        if (d.signum() < 0) {
            throw bad(key, "is negative (" + d.toPlainString() + ")");
        }
        BigDecimal m = d.movePointRight(6);
        try {
            return m.setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw bad(key, d.toPlainString() + " has more than 6 decimals or is too large (prices are kept in millionths)");
        }
    }

    private int degreesE6(JsonNode parent, String key, int limit) {
        JsonNode v = parent.get(key);
        if (!v.isNumber()) {
            throw bad(key, "must be a number of degrees, not " + kind(v));
        }
        BigDecimal d = v.decimalValue();
        if (d.abs().compareTo(BigDecimal.valueOf(limit)) > 0) {
            throw bad(key, d.toPlainString() + " is outside [-" + limit + ", " + limit + "]");
        }
        return d.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_EVEN).intValueExact();
    }

    private void onlyKeys(JsonNode node, String prefix, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw bad(prefix + k, "unknown key (known here: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private long integer(JsonNode parent, String name, String prefix, boolean required, long min, long max, long absent) {
        JsonNode v = parent.get(name);
        if (v == null) {
            if (required) {
                throw bad(prefix + name, "is required");
            }
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(prefix + name, "must be a whole number, not " + kind(v) + describe(v));
        }
        long n = v.longValue();
        if (n < min || n > max) {
            throw bad(prefix + name, n + " is outside [" + min + ", " + max + "]");
        }
        return n;
    }

    private long size(JsonNode parent, String name, String prefix, boolean required, long absent) {
        JsonNode v = parent.get(name);
        if (v == null) {
            if (required) {
                throw bad(prefix + name, "is required");
            }
            return absent;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            if (v.longValue() < 0) {
                throw bad(prefix + name, "is negative (" + v.longValue() + ")");
            }
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return ByteSize.parse(v.textValue());
            } catch (IllegalArgumentException e) {
                throw bad(prefix + name, e.getMessage());
            }
        }
        throw bad(prefix + name, "must be a size such as \"64GiB\" or a number of bytes, not " + kind(v) + describe(v));
    }

    private String text(JsonNode parent, String name, String prefix) {
        JsonNode v = parent.get(name);
        if (v == null) {
            throw bad(prefix + name, "is required");
        }
        if (!v.isTextual()) {
            throw bad(prefix + name, "must be text, not " + kind(v) + describe(v)
                    + (v.isBoolean() ? " (quote it: YAML reads NO, yes, on, off as booleans)" : ""));
        }
        String s = v.textValue().trim();
        if (s.length() > CapacityRecord.MAX_STRING_LENGTH) {
            throw bad(prefix + name, "is longer than " + CapacityRecord.MAX_STRING_LENGTH + " characters");
        }
        return s;
    }

    private void notAbove(String key, long value, String totalKey, long total) {
        if (value > total) {
            throw bad(key, value + " is more than " + totalKey + " (" + total + ")");
        }
    }

    private CapacityFileException bad(String key, String problem) {
        return new CapacityFileException(file, key, problem, null);
    }

    private static String kind(JsonNode v) {
        if (v.isObject()) {
            return "a table";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            return "text";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isNumber()) {
            return "a number";
        }
        return v.isNull() ? "null" : v.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(JsonNode v) {
        return v.isValueNode() && !v.isNull() ? " (" + v.asText() + ")" : "";
    }
}
