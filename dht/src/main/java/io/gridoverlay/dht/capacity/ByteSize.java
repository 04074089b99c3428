package io.gridoverlay.dht.capacity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Byte amounts as people write them: {@code 64GiB}, {@code 2TiB}, {@code 1.5 TiB}, {@code 500GB},
 * {@code 4096} or {@code 4096B}. Binary units (KiB, MiB, GiB, TiB, PiB) are powers of 1024, decimal ones (KB,
 * MB, GB, TB, PB) powers of 1000; units are case-insensitive. A bare letter (G, T) is refused as ambiguous.
 * Used by capacity files and by the command line. Stateless.
 */
public final class ByteSize {
    private static final String[] BINARY = {"kib", "mib", "gib", "tib", "pib"};
    private static final String[] DECIMAL = {"kb", "mb", "gb", "tb", "pb"};

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} states.
     *
     * @throws IllegalArgumentException saying what is wrong (not a size, ambiguous unit, negative, not a
     *                                  whole number of bytes, or more than {@link Long#MAX_VALUE})
     */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        BigInteger multiplier = BigInteger.ONE;
        int digitsEnd = t.length();
        while (digitsEnd > 0 && Character.isLetter(t.charAt(digitsEnd - 1))) {
            digitsEnd--;
        }
        String unit = t.substring(digitsEnd);
        String number = t.substring(0, digitsEnd).trim();
        if (!unit.isEmpty() && !unit.equals("b")) {
            multiplier = null;
            for (int i = 0; i < BINARY.length; i++) {
                if (unit.equals(BINARY[i])) {
                    multiplier = BigInteger.valueOf(1024).pow(i + 1);
                } else if (unit.equals(DECIMAL[i])) {
                    multiplier = BigInteger.valueOf(1000).pow(i + 1);
                }
            }
            if (multiplier == null) {
                throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + t.substring(digitsEnd)
                        + "' (use B, KiB, MiB, GiB, TiB, PiB or KB, MB, GB, TB, PB)");
            }
        }
        if (number.startsWith("-")) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        if (number.isEmpty() || !number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected e.g. 64GiB, 2TiB or 4096)");
        }
        BigDecimal bytes = new BigDecimal(number).multiply(new BigDecimal(multiplier));
        BigInteger whole;
        try {
            whole = bytes.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes");
        }
        if (whole.bitLength() > 63) {
            throw new IllegalArgumentException("'" + text + "' is too large (at most " + Long.MAX_VALUE + " bytes)");
        }
        return whole.longValueExact();
    }

    /**
     * A short rendering for people: the largest binary unit that keeps the number at least 1, with at most
     * one decimal ({@code 64GiB}, {@code 93.1GiB}, {@code 512B}).
     */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String s = String.format(Locale.ROOT, "%.1f", v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s + units[u];
    }

    /** An exact rendering that {@link #parse} reads back: the largest binary unit dividing it, else bytes. */
    public static String formatExact(long bytes) {
        String[] units = {"PiB", "TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long m = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % m == 0) {
                return (bytes / m) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
