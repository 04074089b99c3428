package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes single multistream-select 1.0 messages.
 *
 * <pre>
 * +----------------------+---------------------------+------+
 * | uvarint len (1..3 B) | UTF-8 text (len - 1 B)    | '\n' |
 * +----------------------+---------------------------+------+
 *   len counts the text and the trailing newline
 * </pre>
 *
 * <p>A message's text must be non-empty, must not contain {@code '\n'} and its length (text + newline)
 * must not exceed the configured limit. All methods are static, stateless and thread-safe; decoding is
 * O(len) and never allocates before the length is validated.
 */
public final class MultistreamFrames {
    /** Protocol id of multistream-select 1.0, sent as the first message by both sides. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";
    /** The "not available" response to an unsupported proposal. */
    public static final String NA = "na";
    /** Default limit of one message's length (text plus newline), in bytes. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1024;
    /** Hard upper bound of the length prefix we are willing to parse (3 varint bytes). */
    static final int MAX_VARINT_BYTES = 3;

    private MultistreamFrames() {}

    /** The encoded size of {@code text} as one message. */
    public static int encodedLength(String text) {
        int len = utf8Length(text) + 1;
        return varintSize(len) + len;
    }

    /**
     * Writes {@code text} as one message into {@code out}.
     *
     * @throws IllegalArgumentException if the text is empty, contains a newline or exceeds {@code maxLength}
     */
    public static void write(String text, ByteBuf out, int maxLength) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        validateText(text, bytes.length, maxLength);
        int len = bytes.length + 1;
        int v = len;
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
        out.writeBytes(bytes);
        out.writeByte('\n');
    }

    /** Allocates a buffer from {@code alloc} holding {@code text} as one message (default limit). */
    public static ByteBuf encode(ByteBufAllocator alloc, String text) {
        ByteBuf out = alloc.buffer(encodedLength(text));
        try {
            write(text, out, DEFAULT_MAX_MESSAGE_LENGTH);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Decodes one message at the reader index of {@code in} if it is complete.
     *
     * @return the message text without the newline, advancing the reader index past the message; or
     *     {@code null} (reader index unchanged) if more bytes are needed
     * @throws ProtocolNegotiationException if the message is malformed or longer than {@code maxLength}
     */
    public static String tryDecode(ByteBuf in, int maxLength) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int len = 0;
        int shift = 0;
        int i = 0;
        while (true) {
            if (i >= readable) {
                return null;
            }
            if (i >= MAX_VARINT_BYTES) {
                throw new ProtocolNegotiationException(
                        "multistream length prefix longer than " + MAX_VARINT_BYTES + " bytes");
            }
            int b = in.getUnsignedByte(start + i);
            len |= (b & 0x7F) << shift;
            i++;
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 1) {
                    throw new ProtocolNegotiationException("non-minimal multistream length prefix");
                }
                break;
            }
            shift += 7;
        }
        if (len > maxLength) {
            throw new ProtocolNegotiationException(
                    "multistream message of " + len + " bytes exceeds limit of " + maxLength + " bytes");
        }
        if (len < 2) {
            throw new ProtocolNegotiationException(
                    "multistream message of " + len + " bytes is too short (empty text or no newline)");
        }
        if (readable - i < len) {
            return null;
        }
        int textStart = start + i;
        if (in.getByte(textStart + len - 1) != '\n') {
            throw new ProtocolNegotiationException("multistream message does not end with a newline");
        }
        if (in.indexOf(textStart, textStart + len - 1, (byte) '\n') >= 0) {
            throw new ProtocolNegotiationException("multistream message contains an inner newline");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(textStart, len - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolNegotiationException("multistream message is not valid UTF-8", e);
        }
        in.readerIndex(textStart + len);
        return text;
    }

    static void validateText(String text, int utf8Length, int maxLength) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("multistream message must not be empty");
        }
        if (text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("multistream message must not contain a newline: " + text);
        }
        if (utf8Length + 1 > maxLength) {
            throw new IllegalArgumentException("multistream message of " + (utf8Length + 1)
                    + " bytes exceeds limit of " + maxLength + " bytes");
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int varintSize(int v) {
        int bits = 32 - Integer.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }
}
