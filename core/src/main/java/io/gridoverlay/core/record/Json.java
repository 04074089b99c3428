package io.gridoverlay.core.record;

import java.util.HexFormat;
import java.util.List;

/** A minimal JSON writer for rendering records to humans (CLI, logs). Not a parser. */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    private boolean needComma;

    Json beginObject() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    Json endObject() {
        sb.append('}');
        needComma = true;
        return this;
    }

    Json beginArray(String name) {
        key(name);
        sb.append('[');
        needComma = false;
        return this;
    }

    Json endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    Json name(String name) {
        key(name);
        needComma = false;
        return this;
    }

    Json field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    Json field(String name, long value) {
        key(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json field(String name, double value) {
        key(name);
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        needComma = true;
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json hex(String name, byte[] value) {
        return field(name, HexFormat.of().formatHex(value));
    }

    Json strings(String name, List<String> values) {
        beginArray(name);
        for (String v : values) {
            comma();
            string(v);
        }
        return endArray();
    }

    /** Inserts already-rendered JSON as the value of {@code name}. */
    Json raw(String name, String json) {
        key(name);
        sb.append(json);
        needComma = true;
        return this;
    }

    /** Inserts already-rendered JSON as an array element. */
    Json rawElement(String json) {
        comma();
        sb.append(json);
        needComma = true;
        return this;
    }

    private void key(String name) {
        comma();
        string(name);
        sb.append(':');
        needComma = false;
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        needComma = true;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
