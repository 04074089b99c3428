package io.gridoverlay.core.encoding;

import java.util.Arrays;

/**
 * RFC 4648 base32 in lower case without padding, the multibase {@code b} encoding used for CIDs.
 * Decoding is strict: lower-case alphabet only, no padding, and unused trailing bits must be zero.
 * Stateless and thread-safe.
 */
public final class Base32 {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int[] INDEXES = new int[128];

    static {
        Arrays.fill(INDEXES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEXES[ALPHABET[i]] = i;
        }
    }

    private Base32() {}

    public static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /** @throws DecodingException on a character outside the alphabet, a bad length or non-zero pad bits */
    public static byte[] decode(CharSequence text) {
        int len = text.length();
        int rem = len % 8;
        if (rem == 1 || rem == 3 || rem == 6) {
            throw new DecodingException("invalid base32 length " + len);
        }
        byte[] out = new byte[len * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? INDEXES[c] : -1;
            if (v < 0) {
                throw new DecodingException("invalid base32 character '" + c + "' at position " + i);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[o++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new DecodingException("base32 text has non-zero trailing bits");
        }
        return out;
    }
}
