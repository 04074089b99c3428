package io.gridoverlay.core.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** The peer-ids spec key vectors, loaded from test resources. */
final class TestVectors {
    private static final Map<String, byte[]> VECTORS = load();

    private TestVectors() {}

    static byte[] get(String name) {
        byte[] v = VECTORS.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no vector " + name);
        }
        return v.clone();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                TestVectors.class.getResourceAsStream("peer-ids-vectors.txt"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                out.put(parts[0], HexFormat.of().parseHex(parts[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
