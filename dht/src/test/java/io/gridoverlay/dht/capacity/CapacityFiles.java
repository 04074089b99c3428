package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a capacity record as the capacity file an operator would write (TOML or YAML), for tests. */
final class CapacityFiles {
    private CapacityFiles() {
    }

    /** Writes {@code r} to {@code file} in the format its extension names. */
    static Path write(CapacityRecord r, Path file) throws IOException {
        boolean toml = file.getFileName().toString().endsWith(".toml");
        StringBuilder b = new StringBuilder("# capacity of a test node\n");
        String sep = toml ? " = " : ": ";
        line(b, sep, "cores", Integer.toString(r.total().cores()));
        line(b, sep, "memory", quote(ByteSize.formatExact(r.total().memoryBytes())));
        line(b, sep, "ssd", quote(ByteSize.formatExact(r.total().ssdBytes())));
        line(b, sep, "hdd", Long.toString(r.total().hddBytes()));
        line(b, sep, "public_ipv4", Integer.toString(r.publicIpv4()));
        line(b, sep, "public_ipv6", Integer.toString(r.publicIpv6()));
        if (!r.location().country().isEmpty()) {
            line(b, sep, "country", quote(r.location().country()));
        }
        line(b, sep, "city", quote(r.location().city()));
        line(b, sep, "latitude", BigDecimal.valueOf(r.location().latitudeE6(), 6).toPlainString());
        line(b, sep, "longitude", BigDecimal.valueOf(r.location().longitudeE6(), 6).toPlainString());
        line(b, sep, "farm", Long.toString(r.farmId()));
        line(b, sep, "certification", quote(r.certification().name().toLowerCase(Locale.ROOT)));
        b.append(toml ? "[free]\n" : "free:\n");
        String in = toml ? "" : "  ";
        line(b, sep, in + "cores", Integer.toString(r.free().cores()));
        line(b, sep, in + "memory", Long.toString(r.free().memoryBytes()));
        line(b, sep, in + "ssd", quote(ByteSize.formatExact(r.free().ssdBytes())));
        line(b, sep, in + "hdd", quote(ByteSize.formatExact(r.free().hddBytes())));
        b.append(toml ? "[price]\n" : "price:\n");
        CapacityRecord.Price p = r.price();
        line(b, sep, in + "currency", quote(p.currency()));
        line(b, sep, in + "core_hour", amount(p.coreHour()));
        line(b, sep, in + "memory_gib_hour", amount(p.memoryGibHour()));
        line(b, sep, in + "ssd_tib_month", amount(p.ssdTibMonth()));
        line(b, sep, in + "hdd_tib_month", amount(p.hddTibMonth()));
        line(b, sep, in + "ipv4_month", amount(p.ipv4Month()));
        if (!r.gpus().isEmpty() && !toml) {
            b.append("gpus:\n");
        }
        for (Gpu g : r.gpus()) {
            if (toml) {
                b.append("[[gpus]]\n");
            }
            String first = toml ? "" : "  - ";
            String rest = toml ? "" : "    ";
            line(b, sep, first + "vendor", quote(g.vendor()));
            line(b, sep, rest + "model", quote(g.model()));
            line(b, sep, rest + "memory", quote(ByteSize.formatExact(g.memoryBytes())));
            line(b, sep, rest + "count", Integer.toString(g.count()));
            line(b, sep, rest + "free", Integer.toString(g.free()));
        }
        Files.writeString(file, b.toString());
        return file;
    }

    private static void line(StringBuilder b, String sep, String key, String value) {
        b.append(key).append(sep).append(value).append('\n');
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String amount(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
