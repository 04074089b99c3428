package io.gridoverlay.core.encoding;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A multiaddr: a self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…}.
 *
 * <p>Immutable and thread-safe. Parsing is strict in both forms and a {@link DecodingException} names the
 * component that was wrong. {@link #equals} compares the binary form.
 *
 * <pre>
 * binary: ( varint(protocol code) [ varint(length) ] value )*
 *          fixed-size values (ip4 4 bytes, ip6 16, tcp/udp 2 big-endian) carry no length prefix;
 *          variable-size values (dns*, p2p multihash, …) are length-prefixed; flags (tls, ws, quic-v1) have none
 * text:   ( "/" name [ "/" value ] )*
 * </pre>
 */
public final class Multiaddr {
    /** Upper bound on the binary size accepted from the wire. */
    public static final int MAX_BINARY_LENGTH = 4096;

    /** One protocol and its binary value (empty for protocols without a value). */
    public record Component(Protocol protocol, byte[] value) {
        public Component {
            value = value.clone();
        }

        /** A copy of the binary value. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The value as text, as it appears in a text multiaddr ("" when the protocol has none). */
        public String valueText() {
            return protocol.hasValue() ? protocol.valueToText(value) : "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return protocol.hasValue() ? "/" + protocol.text() + "/" + valueText() : "/" + protocol.text();
        }
    }

    private final byte[] bytes;
    private final List<Component> components;
    private final int hash;
    private String text;

    private Multiaddr(byte[] bytes, List<Component> components) {
        this.bytes = bytes;
        this.components = List.copyOf(components);
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * Parses a text multiaddr.
     *
     * @throws DecodingException naming the bad component
     */
    public static Multiaddr parse(String text) {
        if (text.isEmpty() || text.charAt(0) != '/') {
            throw new DecodingException("multiaddr must start with '/': '" + text + "'");
        }
        if (text.length() > MAX_BINARY_LENGTH * 2) {
            throw new DecodingException("multiaddr text longer than " + (MAX_BINARY_LENGTH * 2) + " characters");
        }
        String[] parts = text.substring(1).split("/", -1);
        if (parts.length > 0 && parts[parts.length - 1].isEmpty()) {
            parts = Arrays.copyOf(parts, parts.length - 1); // tolerate a trailing '/'
        }
        List<Component> comps = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String name = parts[i];
            if (name.isEmpty()) {
                throw new DecodingException("empty protocol name in multiaddr '" + text + "'");
            }
            Protocol p = Protocol.byName(name);
            if (!p.hasValue()) {
                comps.add(new Component(p, new byte[0]));
                continue;
            }
            if (i + 1 >= parts.length) {
                throw new DecodingException("/" + name + " needs a value in multiaddr '" + text + "'");
            }
            String value = parts[++i];
            try {
                comps.add(new Component(p, p.valueFromText(value)));
            } catch (DecodingException e) {
                throw new DecodingException("bad /" + name + " component in '" + text + "': " + e.getMessage(), e);
            }
        }
        if (comps.isEmpty()) {
            throw new DecodingException("empty multiaddr");
        }
        return new Multiaddr(encode(comps), comps);
    }

    /**
     * Decodes a binary multiaddr; the array must hold exactly one.
     *
     * @throws DecodingException on an unknown protocol code, a bad length or a bad value
     */
    public static Multiaddr fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new DecodingException("empty binary multiaddr");
        }
        if (bytes.length > MAX_BINARY_LENGTH) {
            throw new DecodingException("binary multiaddr longer than " + MAX_BINARY_LENGTH + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<Component> comps = new ArrayList<>();
        while (buf.hasRemaining()) {
            Protocol p = Protocol.byCode(Varint.read(buf));
            int len = p.isVariableLength() ? Varint.readLength(buf, Protocol.MAX_VALUE_LENGTH) : p.fixedLength();
            if (buf.remaining() < len) {
                throw new DecodingException("truncated /" + p.text() + " value: need " + len + " bytes, have "
                        + buf.remaining());
            }
            byte[] value = new byte[len];
            buf.get(value);
            try {
                p.validateBinaryValue(value);
            } catch (DecodingException e) {
                throw new DecodingException("bad /" + p.text() + " component: " + e.getMessage(), e);
            }
            comps.add(new Component(p, value));
        }
        return new Multiaddr(bytes.clone(), comps);
    }

    private static byte[] encode(List<Component> comps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        for (Component c : comps) {
            Varint.write(c.protocol().code(), out);
            byte[] v = c.value;
            if (c.protocol().isVariableLength()) {
                Varint.write(v.length, out);
            }
            out.write(v, 0, v.length);
        }
        return out.toByteArray();
    }

    /** The components in order (immutable). */
    public List<Component> components() {
        return components;
    }

    /** A copy of the binary form. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The first value of protocol {@code p}, as text, if present. */
    public Optional<String> valueOf(Protocol p) {
        for (Component c : components) {
            if (c.protocol() == p) {
                return Optional.of(c.valueText());
            }
        }
        return Optional.empty();
    }

    /** Whether any component uses protocol {@code p}. */
    public boolean has(Protocol p) {
        return components.stream().anyMatch(c -> c.protocol() == p);
    }

    /** The multihash bytes of the last {@code /p2p} component, if any. */
    public Optional<byte[]> peerIdBytes() {
        for (int i = components.size() - 1; i >= 0; i--) {
            Component c = components.get(i);
            if (c.protocol() == Protocol.P2P) {
                return Optional.of(c.value());
            }
        }
        return Optional.empty();
    }

    /** This address followed by {@code other}. */
    public Multiaddr encapsulate(Multiaddr other) {
        List<Component> comps = new ArrayList<>(components);
        comps.addAll(other.components);
        byte[] b = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, b, bytes.length, other.bytes.length);
        return new Multiaddr(b, comps);
    }

    /** This address followed by the parsed {@code text}. */
    public Multiaddr encapsulate(String text) {
        return encapsulate(parse(text));
    }

    /**
     * This address up to (not including) the last occurrence of {@code other}'s components; this address
     * unchanged if {@code other} does not occur; empty result is returned as {@link Optional#empty()}.
     */
    public Optional<Multiaddr> decapsulate(Multiaddr other) {
        int n = other.components.size();
        for (int i = components.size() - n; i >= 0; i--) {
            if (components.subList(i, i + n).equals(other.components)) {
                return i == 0 ? Optional.empty() : Optional.of(new Multiaddr(encode(components.subList(0, i)),
                        components.subList(0, i)));
            }
        }
        return Optional.of(this);
    }

    /**
     * This address with everything from the last occurrence of protocol {@code p} removed (as go's
     * {@code SplitLast}/js's {@code decapsulateCode}); empty if {@code p} is the first component.
     */
    public Optional<Multiaddr> decapsulate(Protocol p) {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == p) {
                return i == 0 ? Optional.empty() : Optional.of(new Multiaddr(encode(components.subList(0, i)),
                        components.subList(0, i)));
            }
        }
        return Optional.of(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && hash == m.hash && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The canonical text form. */
    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder();
            for (Component c : components) {
                sb.append(c);
            }
            text = t = sb.toString();
        }
        return t;
    }
}
