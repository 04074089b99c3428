package io.gridoverlay.testing;

import java.util.HexFormat;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * QuickTheories generators the modules' property tests share.
 *
 * <p>Each property runs {@code qt().withFixedSeed(seed).withExamples(n)}, so every run draws the same inputs. A
 * failure reports the shrunk falsifying values and {@code Seed was <seed>}; running the test again replays it.
 * {@link #ANY_SIZE} matches the size bound the properties had before they were ported (0 to 255).
 */
public final class Generators {
    /** Upper bound of a byte array or string whose size a property leaves open. */
    public static final int ANY_SIZE = 255;

    private static final HexFormat HEX = HexFormat.of();
    private static final int SURROGATES = Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1;

    private Generators() {
    }

    /** Byte arrays of any content, {@code min..max} bytes long; shown as hex in failure reports. */
    public static Gen<byte[]> bytes(int min, int max) {
        return Generate.byteArrays(Generate.range(min, max), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                .describedAs(HEX::formatHex);
    }

    /** Byte arrays of exactly {@code size} bytes. */
    public static Gen<byte[]> bytes(int size) {
        return bytes(size, size);
    }

    /**
     * Strings of {@code min..max} chars, each any char of the Basic Multilingual Plane except the surrogates, so
     * every string is well-formed UTF-16 and survives a UTF-8 round trip.
     */
    public static Gen<String> strings(int min, int max) {
        Gen<Character> chars = Generate.range(0, 0xFFFF - SURROGATES)
                .map(c -> (char) (c < Character.MIN_SURROGATE ? c : c + SURROGATES));
        return SourceDSL.lists().of(chars).ofSizeBetween(min, max).map(Generators::join);
    }

    /** Strings of {@code min..max} chars drawn from {@code alphabet}. */
    public static Gen<String> strings(String alphabet, int min, int max) {
        Gen<Character> chars = Generate.pick(alphabet.chars().mapToObj(c -> (char) c).toList());
        return SourceDSL.lists().of(chars).ofSizeBetween(min, max).map(Generators::join);
    }

    /** One of {@code values}, shrinking towards the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return Generate.pick(List.of(values));
    }

    private static String join(List<Character> chars) {
        StringBuilder sb = new StringBuilder(chars.size());
        chars.forEach(sb::append);
        return sb.toString();
    }
}
