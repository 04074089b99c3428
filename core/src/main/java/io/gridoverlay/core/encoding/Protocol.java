package io.gridoverlay.core.encoding;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The multiaddr protocols this library reads and writes, with their multicodec code and the way their
 * value is written in binary and in text (multiformats/multiaddr protocols.csv).
 */
public enum Protocol {
    IP4(4, 32, "ip4"),
    TCP(6, 16, "tcp"),
    DNS(53, Protocol.VARIABLE, "dns"),
    DNS4(54, Protocol.VARIABLE, "dns4"),
    DNS6(55, Protocol.VARIABLE, "dns6"),
    DNSADDR(56, Protocol.VARIABLE, "dnsaddr"),
    IP6(41, 128, "ip6"),
    IP6ZONE(42, Protocol.VARIABLE, "ip6zone"),
    UDP(273, 16, "udp"),
    P2P_CIRCUIT(290, 0, "p2p-circuit"),
    P2P(421, Protocol.VARIABLE, "p2p"),
    HTTPS(443, 0, "https"),
    TLS(448, 0, "tls"),
    SNI(449, Protocol.VARIABLE, "sni"),
    NOISE(454, 0, "noise"),
    QUIC(460, 0, "quic"),
    QUIC_V1(461, 0, "quic-v1"),
    WEBTRANSPORT(465, 0, "webtransport"),
    WS(477, 0, "ws"),
    WSS(478, 0, "wss"),
    HTTP(480, 0, "http");

    /** Marker for protocols whose value is varint length-prefixed. */
    static final int VARIABLE = -1;
    /** Longest variable-length value accepted (DNS names are ≤ 253 characters; multihashes are short). */
    public static final int MAX_VALUE_LENGTH = 1024;

    private static final Map<Integer, Protocol> BY_CODE = new HashMap<>();
    private static final Map<String, Protocol> BY_NAME = new HashMap<>();

    static {
        for (Protocol p : values()) {
            BY_CODE.put(p.code, p);
            BY_NAME.put(p.text, p);
        }
        BY_NAME.put("ipfs", P2P); // legacy alias, written back as /p2p
    }

    private final int code;
    private final int sizeBits;
    private final String text;

    Protocol(int code, int sizeBits, String text) {
        this.code = code;
        this.sizeBits = sizeBits;
        this.text = text;
    }

    /** The multicodec code. */
    public int code() {
        return code;
    }

    /** The protocol's name in text multiaddrs. */
    public String text() {
        return text;
    }

    /** Whether the protocol carries a value. */
    public boolean hasValue() {
        return sizeBits != 0;
    }

    boolean isVariableLength() {
        return sizeBits == VARIABLE;
    }

    /** Fixed value length in bytes (0 for no value); undefined for variable-length protocols. */
    int fixedLength() {
        return sizeBits / 8;
    }

    /** The protocol with this multicodec code. @throws DecodingException if unknown */
    public static Protocol byCode(long code) {
        Protocol p = code <= Integer.MAX_VALUE ? BY_CODE.get((int) code) : null;
        if (p == null) {
            throw new DecodingException("unknown multiaddr protocol code " + code);
        }
        return p;
    }

    /** The protocol with this text name. @throws DecodingException if unknown */
    public static Protocol byName(String name) {
        Protocol p = BY_NAME.get(name);
        if (p == null) {
            throw new DecodingException("unknown multiaddr protocol '" + name + "'");
        }
        return p;
    }

    /** Converts the text value of this protocol to its binary value. */
    byte[] valueFromText(String value) {
        switch (this) {
            case IP4:
                return parseIp(value, 4);
            case IP6:
                return parseIp(value, 16);
            case TCP:
            case UDP: {
                int port;
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new DecodingException("invalid /" + text + " port '" + value + "'");
                }
                if (port < 0 || port > 65535 || !value.equals(Integer.toString(port))) {
                    throw new DecodingException("invalid /" + text + " port '" + value + "'");
                }
                return new byte[] {(byte) (port >>> 8), (byte) port};
            }
            case P2P:
                return parsePeerIdText(value);
            case DNS:
            case DNS4:
            case DNS6:
            case DNSADDR:
            case SNI:
            case IP6ZONE: {
                if (value.isEmpty() || value.indexOf('/') >= 0) {
                    throw new DecodingException("invalid /" + text + " value '" + value + "'");
                }
                byte[] b = value.getBytes(StandardCharsets.UTF_8);
                if (b.length > MAX_VALUE_LENGTH) {
                    throw new DecodingException("/" + text + " value longer than " + MAX_VALUE_LENGTH + " bytes");
                }
                return b;
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** Converts a validated binary value of this protocol to its text form. */
    String valueToText(byte[] value) {
        switch (this) {
            case IP4:
                return (value[0] & 0xFF) + "." + (value[1] & 0xFF) + "." + (value[2] & 0xFF) + "." + (value[3] & 0xFF);
            case IP6:
                try {
                    // RFC 5952 compressed form, as go/js print it.
                    return compressIp6(InetAddress.getByAddress(value).getHostAddress());
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            case TCP:
            case UDP:
                return Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
            case P2P:
                return Base58.encode(value);
            default:
                return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** Checks a binary value read from the wire. */
    void validateBinaryValue(byte[] value) {
        switch (this) {
            case P2P:
                Multihash.decode(value);
                break;
            case DNS:
            case DNS4:
            case DNS6:
            case DNSADDR:
            case SNI:
            case IP6ZONE: {
                String s = new String(value, StandardCharsets.UTF_8);
                if (value.length == 0 || s.indexOf('/') >= 0
                        || !java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), value)) {
                    throw new DecodingException("invalid /" + text + " value in binary multiaddr");
                }
                break;
            }
            default:
                break;
        }
    }

    private static byte[] parseIp(String value, int length) {
        byte[] out = length == 4 ? parseIp4(value) : parseIp6(value);
        if (out == null) {
            throw new DecodingException("invalid /" + (length == 4 ? "ip4" : "ip6") + " address '" + value + "'");
        }
        return out;
    }

    private static byte[] parseIp4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parseIp6(String s) {
        // Only hex digits, ':' and an optional embedded IPv4 tail; never a host name lookup.
        if (s.isEmpty() || s.length() > 45 || !s.matches("[0-9a-fA-F:.]+") || !s.contains(":")) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            byte[] b = a.getAddress();
            if (b.length == 4) { // ::ffff:a.b.c.d is returned as IPv4 by the JDK
                byte[] m = new byte[16];
                m[10] = (byte) 0xFF;
                m[11] = (byte) 0xFF;
                System.arraycopy(b, 0, m, 12, 4);
                return m;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Rewrites Java's full IPv6 text (1:0:0:0:0:0:0:1) into RFC 5952 form (1::1). */
    static String compressIp6(String full) {
        int pct = full.indexOf('%');
        if (pct >= 0) {
            full = full.substring(0, pct);
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(groups[i].toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** A peer id in text: base58btc multihash, or a CIDv1 with the libp2p-key codec in any supported multibase. */
    static byte[] parsePeerIdText(String value) {
        if (value.isEmpty()) {
            throw new DecodingException("empty /p2p value");
        }
        byte[] mh;
        if (value.startsWith("Qm") || value.startsWith("1")) {
            mh = Base58.decode(value);
        } else {
            byte[] cid = Multibase.decode(value);
            ByteBuffer buf = ByteBuffer.wrap(cid);
            long version = Varint.read(buf);
            long codec = Varint.read(buf);
            if (version != 1 || codec != 0x72) {
                throw new DecodingException("/p2p value '" + value + "' is not a CIDv1 with the libp2p-key codec");
            }
            mh = new byte[buf.remaining()];
            buf.get(mh);
        }
        Multihash.decode(mh);
        return mh;
    }
}
