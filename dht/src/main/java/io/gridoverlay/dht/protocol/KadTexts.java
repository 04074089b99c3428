package io.gridoverlay.dht.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Formatting of keys for messages and logs. */
final class KadTexts {
    private KadTexts() {
    }

    /** A key as text if it is printable ASCII, else as hex; at most 80 characters. */
    static String key(byte[] key) {
        boolean printable = true;
        for (byte b : key) {
            if (b < 0x20 || b > 0x7e) {
                printable = false;
                break;
            }
        }
        String s = printable ? new String(key, StandardCharsets.US_ASCII) : "0x" + HexFormat.of().formatHex(key);
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
