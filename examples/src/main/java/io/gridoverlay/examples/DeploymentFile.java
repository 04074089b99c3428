package io.gridoverlay.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gridoverlay.core.record.Workload;
import io.gridoverlay.dht.capacity.ByteSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code grid-peer deploy --file} reads: a deployment's id, description, lifetime and workloads, in
 * TOML, YAML or JSON (by the file's extension). Each workload states the resources it needs, which the node
 * checks against its free capacity and reserves:
 *
 * <pre>
 * id = "web"
 * description = "two web servers"
 * expires-in = "30d"
 *
 * [[workloads]]
 * name = "vm1"
 * type = "zmachine"
 * cores = 2
 * memory = "4GiB"
 * ssd = "50GiB"
 * data = "image=ubuntu-24.04"    # opaque to the grid (UTF-8), or data-base64 = "..."
 * </pre>
 *
 * Unknown keys are refused, so that a typo never silently becomes a default.
 */
record DeploymentFile(String id, String description, Duration expiresIn, List<Workload> workloads) {
    private static final Set<String> TOP = Set.of("id", "description", "expires-in", "workloads");
    private static final Set<String> WORKLOAD = Set.of("name", "type", "cores", "memory", "ssd", "hdd", "data",
            "data-base64", "description", "metadata");

    /** Reads and checks {@code file}. @throws IllegalArgumentException naming the file and the problem */
    static DeploymentFile read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".toml") ? new TomlMapper()
                : name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper()
                : name.endsWith(".json") ? new ObjectMapper() : null;
        if (mapper == null) {
            throw new IllegalArgumentException(file + ": a deployment file ends in .toml, .yaml, .yml or .json");
        }
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static DeploymentFile parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a table of settings");
        }
        onlyKeys(root, TOP, "");
        String id = text(root, "id", null);
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("key 'id' is required (the deployment's name, e.g. \"web\")");
        }
        Duration expiresIn = duration(text(root, "expires-in", "30d"));
        JsonNode ws = root.get("workloads");
        if (ws == null || !ws.isArray() || ws.isEmpty()) {
            throw new IllegalArgumentException("at least one [[workloads]] entry is required");
        }
        List<Workload> workloads = new ArrayList<>();
        for (JsonNode w : ws) {
            String where = "workload " + (workloads.size() + 1) + ": ";
            if (!w.isObject()) {
                throw new IllegalArgumentException(where + "not a table");
            }
            onlyKeys(w, WORKLOAD, where);
            String name = text(w, "name", null);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(where + "key 'name' is required");
            }
            StringBuilder meta = new StringBuilder();
            if (w.has("cores")) {
                if (!w.get("cores").canConvertToInt() || w.get("cores").asInt() < 0) {
                    throw new IllegalArgumentException(where + "'cores' must be a whole number >= 0");
                }
                meta.append("cores=").append(w.get("cores").asInt());
            }
            for (String k : List.of("memory", "ssd", "hdd")) {
                if (w.has(k)) {
                    meta.append(meta.length() == 0 ? "" : ";").append(k).append('=').append(size(w.get(k), where + k));
                }
            }
            String extra = text(w, "metadata", "");
            if (!extra.isEmpty()) {
                meta.append(meta.length() == 0 ? "" : ";").append(extra);
            }
            byte[] data;
            if (w.has("data-base64")) {
                try {
                    data = Base64.getDecoder().decode(text(w, "data-base64", ""));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "'data-base64' is not base64");
                }
            } else {
                data = text(w, "data", "").getBytes(StandardCharsets.UTF_8);
            }
            try {
                workloads.add(new Workload(name, text(w, "type", "zmachine"), 0, data, text(w, "description", ""),
                        meta.toString()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return new DeploymentFile(id, text(root, "description", ""), expiresIn, List.copyOf(workloads));
    }

    private static void onlyKeys(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + "unknown key '" + k + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String text(JsonNode node, String key, String dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return v.asText();
    }

    private static long size(JsonNode v, String what) {
        if (v.isIntegralNumber() && v.asLong() >= 0) {
            return v.asLong();
        }
        try {
            return ByteSize.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 12h}, {@code 30d} ({@link Cli#duration}), for 'expires-in'. */
    static Duration duration(String text) {
        try {
            return Cli.duration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'expires-in' " + e.getMessage());
        }
    }
}
