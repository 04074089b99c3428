package io.gridoverlay.core.encoding;

import java.util.Base64;

/**
 * Multibase text: one prefix character naming the base, then the encoded bytes. Supported:
 * {@code z} base58btc, {@code b} base32 (lower, no padding), {@code u} base64url (no padding),
 * {@code f} base16 (lower).
 */
public final class Multibase {
    /** The bases this implementation reads and writes. */
    public enum Base {
        BASE58BTC('z'),
        BASE32('b'),
        BASE64URL('u'),
        BASE16('f');

        private final char prefix;

        Base(char prefix) {
            this.prefix = prefix;
        }

        public char prefix() {
            return prefix;
        }
    }

    private Multibase() {}

    public static String encode(Base base, byte[] data) {
        return base.prefix + encodeRaw(base, data);
    }

    /** Encodes without the prefix character. */
    public static String encodeRaw(Base base, byte[] data) {
        return switch (base) {
            case BASE58BTC -> Base58.encode(data);
            case BASE32 -> Base32.encode(data);
            case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(data);
            case BASE16 -> HexFormatHolder.HEX.formatHex(data);
        };
    }

    /** Decodes prefixed multibase text. @throws DecodingException on an unknown prefix or bad text */
    public static byte[] decode(String text) {
        if (text.isEmpty()) {
            throw new DecodingException("empty multibase text");
        }
        Base base = baseOf(text.charAt(0));
        return decodeRaw(base, text.substring(1));
    }

    /** The base named by a multibase prefix character. */
    public static Base baseOf(char prefix) {
        for (Base b : Base.values()) {
            if (b.prefix == prefix) {
                return b;
            }
        }
        throw new DecodingException("unsupported multibase prefix '" + prefix + "'");
    }

    public static byte[] decodeRaw(Base base, String text) {
        switch (base) {
            case BASE58BTC:
                return Base58.decode(text);
            case BASE32:
                return Base32.decode(text);
            case BASE64URL:
                if (text.indexOf('=') >= 0) {
                    throw new DecodingException("base64url multibase must not be padded");
                }
                try {
                    byte[] out = Base64.getUrlDecoder().decode(text);
                    if (!encodeRaw(Base.BASE64URL, out).equals(text)) {
                        throw new DecodingException("non-canonical base64url text");
                    }
                    return out;
                } catch (IllegalArgumentException e) {
                    throw new DecodingException("invalid base64url text: " + e.getMessage(), e);
                }
            case BASE16:
                if (text.length() % 2 != 0 || !text.equals(text.toLowerCase(java.util.Locale.ROOT))) {
                    throw new DecodingException("base16 multibase must be lower case and of even length");
                }
                try {
                    return HexFormatHolder.HEX.parseHex(text);
                } catch (IllegalArgumentException e) {
                    throw new DecodingException("invalid base16 text: " + e.getMessage(), e);
                }
            default:
                throw new AssertionError(base);
        }
    }

    private static final class HexFormatHolder {
        static final java.util.HexFormat HEX = java.util.HexFormat.of();
    }
}
