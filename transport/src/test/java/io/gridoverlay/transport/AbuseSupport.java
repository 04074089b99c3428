package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.transport.internal.noise.NoiseConfig;
import io.gridoverlay.transport.internal.noise.NoiseHandshake;
import io.gridoverlay.transport.internal.noise.NoiseSession;
import io.gridoverlay.transport.protocol.Ping;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * Shared pieces of the abuse and limit tests: a victim {@link Host} on 127.0.0.1, a raw blocking TCP client
 * that speaks as much of the libp2p upgrade as a test wants (multistream, Noise through the sans-I/O
 * {@link NoiseHandshake}, encrypted frames), a capture of the host's log, and polling with a deadline.
 */
final class AbuseSupport {
    private AbuseSupport() {}

    /** Polls {@code condition} until it holds; fails after {@code timeout} ({@link io.gridoverlay.testing.Conditions}). */
    static void waitUntil(Duration timeout, String what, BooleanSupplier condition) {
        io.gridoverlay.testing.Conditions.waitUntil(timeout, what, condition);
    }

    static Multiaddr p2pAddress(Host h) {
        return h.listenAddresses().get(0).encapsulate("/p2p/" + h.peerId().toBase58());
    }

    static InetSocketAddress socketAddress(Host h) {
        return Host.toSocketAddress(h.listenAddresses().get(0), false);
    }

    /**
     * A fresh well-behaved host dials {@code victim}, pings it and disconnects: the victim still accepts
     * connections and serves streams.
     */
    static void assertServesFreshPeer(Host victim) {
        try (Host probe = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build()) {
            probe.start().join();
            Connection c = probe.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        }
    }

    /** Collects what {@link Host} logs (at debug level and above) while installed. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(Host.class);
        private final Level previous = logger.getLevel();
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            logger.addAppender(appender);
            logger.setLevel(Level.DEBUG);
        }

        /** Whether an event carries a throwable of (a subclass of) {@code type}, directly or as a cause. */
        boolean hasThrowable(Class<? extends Throwable> type) {
            for (ILoggingEvent e : List.copyOf(appender.list)) {
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    if (isSubclass(t.getClassName(), type)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Waits until an event with a throwable of {@code type} was logged. */
        void awaitThrowable(Class<? extends Throwable> type) {
            waitUntil(Duration.ofSeconds(5), "the host logs a " + type.getSimpleName(), () -> hasThrowable(type));
        }

        List<String> messages() {
            return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
        }

        private static boolean isSubclass(String className, Class<?> type) {
            try {
                return type.isAssignableFrom(Class.forName(className));
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
    }

    /** A blocking TCP client that misbehaves on purpose; every read times out after 5 s. */
    static final class RawPeer implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        NoiseSession noise;

        RawPeer(InetSocketAddress target) throws IOException {
            this(target, null);
        }

        /** Connects from {@code local} (e.g. 127.0.0.2 port 0), or from the default address when null. */
        RawPeer(InetSocketAddress target, InetSocketAddress local) throws IOException {
            this(target, local, 0);
        }

        /**
         * Connects from {@code local} (null: the default address) with a socket receive buffer of
         * {@code receiveBuffer} bytes (0: the system default); a small one makes a peer that does not read
         * fill the host's side quickly.
         */
        RawPeer(InetSocketAddress target, InetSocketAddress local, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setSoTimeout(5000); // before connecting: the host may reset the connection at once
            socket.setTcpNoDelay(true);
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(target, 5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends multistream messages (each {@code uvarint(len) text '\n'}). */
        void sendMultistream(String... texts) throws IOException {
            write(multistream(texts));
        }

        static byte[] multistream(String... texts) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (String t : texts) {
                byte[] line = (t + "\n").getBytes(StandardCharsets.UTF_8);
                b.writeBytes(Varint.encode(line.length));
                b.writeBytes(line);
            }
            return b.toByteArray();
        }

        /** Reads one multistream message (cleartext) and returns its text without the newline. */
        String readMultistream() throws IOException {
            int len = (int) readVarint(in);
            byte[] line = new DataInputStream(in).readNBytes(len);
            assertThat(line).hasSize(len);
            return new String(line, 0, len - 1, StandardCharsets.UTF_8);
        }

        /** Negotiates {@code /noise} as the dialer. */
        void negotiateNoise() throws IOException {
            sendMultistream("/multistream/1.0.0", Host.NOISE);
            assertThat(readMultistream()).isEqualTo("/multistream/1.0.0");
            assertThat(readMultistream()).isEqualTo(Host.NOISE);
        }

        /** Runs the whole XX handshake as the dialer with a fresh identity, using the sans-I/O handshake. */
        void handshake() throws IOException {
            handshake(List.of());
        }

        /** The handshake, advertising {@code streamMuxers} in the Noise extensions. */
        void handshake(List<String> streamMuxers) throws IOException {
            PrivateKey key = Ed25519.generate().privateKey();
            NoiseConfig cfg = NoiseConfig.builder()
                    .identity(IdentityAdapters.noiseIdentity(key))
                    .verifier(IdentityAdapters.VERIFIER)
                    .streamMuxers(streamMuxers)
                    .build();
            NoiseHandshake hs = NoiseHandshake.initiator(cfg);
            writeFrame(hs.writeMessage());
            hs.readMessage(readFrame());
            writeFrame(hs.writeMessage());
            assertThat(hs.isComplete()).isTrue();
            noise = hs.session();
        }

        /** Writes {@code u16(len) || body}. */
        void writeFrame(byte[] body) throws IOException {
            byte[] f = new byte[2 + body.length];
            f[0] = (byte) (body.length >>> 8);
            f[1] = (byte) body.length;
            System.arraycopy(body, 0, f, 2, body.length);
            write(f);
        }

        byte[] readFrame() throws IOException {
            DataInputStream d = new DataInputStream(in);
            int len = d.readUnsignedShort();
            byte[] body = new byte[len];
            d.readFully(body);
            return body;
        }

        /** Encrypts {@code plain} into one Noise transport frame and sends it. */
        void writeEncrypted(byte[] plain) throws IOException {
            byte[] c = new byte[plain.length + 16];
            noise.encryptor().encrypt(plain, 0, plain.length, c, 0);
            writeFrame(c);
        }

        /** Reads and decrypts one Noise transport frame. */
        byte[] readEncrypted() throws IOException {
            byte[] c = readFrame();
            byte[] p = new byte[c.length - 16];
            noise.decryptor().decrypt(c, 0, c.length, p, 0);
            return p;
        }

        // ---------------------------------------------------------------- after the handshake: Yamux by hand

        private final InputStream plain = new InputStream() {
            private byte[] frame = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                while (pos == frame.length) {
                    frame = readEncrypted();
                    pos = 0;
                }
                return frame[pos++] & 0xFF;
            }
        };

        /** Reads one multistream message from the decrypted byte stream. */
        String readEncryptedMultistream() throws IOException {
            int len = (int) readVarint(plain);
            byte[] line = new DataInputStream(plain).readNBytes(len);
            return new String(line, 0, len - 1, StandardCharsets.UTF_8);
        }

        /** Negotiates {@code /yamux/1.0.0} with multistream-select inside the encrypted channel. */
        void negotiateYamux() throws IOException {
            writeEncrypted(multistream("/multistream/1.0.0", Host.YAMUX));
            assertThat(readEncryptedMultistream()).isEqualTo("/multistream/1.0.0");
            assertThat(readEncryptedMultistream()).isEqualTo(Host.YAMUX);
        }

        /** Connects, negotiates Noise, runs the handshake and negotiates Yamux: ready for raw Yamux frames. */
        static RawPeer upgraded(InetSocketAddress target, int receiveBuffer) throws IOException {
            return upgraded(target, null, receiveBuffer);
        }

        /** As {@link #upgraded(InetSocketAddress, int)}, connecting from {@code local} (null: the default). */
        static RawPeer upgraded(InetSocketAddress target, InetSocketAddress local, int receiveBuffer)
                throws IOException {
            RawPeer raw = new RawPeer(target, local, receiveBuffer);
            raw.negotiateNoise();
            raw.handshake();
            raw.negotiateYamux();
            return raw;
        }

        /** Sends {@code frames} (concatenated Yamux frames) in as few Noise frames as they fit in. */
        void writeYamuxFrames(byte[] frames) throws IOException {
            int max = 65535 - 16;
            for (int off = 0; off < frames.length; off += max) {
                int n = Math.min(max, frames.length - off);
                writeEncrypted(java.util.Arrays.copyOfRange(frames, off, off + n));
            }
        }

        /** Reads Yamux frames until {@code last} matches one (returned); fails on end of stream or timeout. */
        RawFrame readYamuxUntil(java.util.function.Predicate<RawFrame> last,
                                java.util.function.Consumer<RawFrame> seen) throws IOException {
            while (true) {
                RawFrame f = readYamux();
                seen.accept(f);
                if (last.test(f)) {
                    return f;
                }
            }
        }

        /** A Yamux frame as read: the header fields and, for a data frame, its body. */
        record RawFrame(int type, int flags, int streamId, long length, byte[] body) {}

        /** Writes one Yamux frame (12-byte header, then {@code body} for data frames) in one Noise frame. */
        void writeYamux(int type, int flags, int streamId, long length, byte[] body) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0);
            b.write(type);
            b.write(flags >>> 8);
            b.write(flags);
            for (int shift = 24; shift >= 0; shift -= 8) {
                b.write(streamId >>> shift);
            }
            for (int shift = 24; shift >= 0; shift -= 8) {
                b.write((int) (length >>> shift));
            }
            b.writeBytes(body);
            writeEncrypted(b.toByteArray());
        }

        /** Reads the next Yamux frame from the decrypted byte stream. */
        RawFrame readYamux() throws IOException {
            DataInputStream d = new DataInputStream(plain);
            int version = d.readUnsignedByte();
            assertThat(version).isZero();
            int type = d.readUnsignedByte();
            int flags = d.readUnsignedShort();
            int streamId = d.readInt();
            long length = d.readInt() & 0xFFFFFFFFL;
            byte[] body = new byte[0];
            if (type == 0) {
                body = new byte[(int) length];
                d.readFully(body);
            }
            return new RawFrame(type, flags, streamId, length, body);
        }

        /**
         * Reads and discards until the host closes the connection (end of stream or reset); fails if it is
         * still open after {@code timeout}. Returns how long it took.
         */
        Duration awaitClosedByHost(Duration timeout) throws IOException {
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            byte[] buf = new byte[8192];
            socket.setSoTimeout(50);
            while (true) {
                try {
                    if (in.read(buf) < 0) {
                        break;
                    }
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        fail("the host did not close the connection within " + timeout.toMillis() + " ms");
                    }
                } catch (IOException reset) {
                    break; // connection reset: closed too
                }
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket the host may have reset already
            }
        }
    }

    /** One Yamux frame: 12-byte header, then {@code body} (data frames). */
    static byte[] yamuxFrame(int type, int flags, int streamId, long length, byte[] body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + body.length);
        b.put((byte) 0).put((byte) type).putShort((short) flags).putInt(streamId).putInt((int) length).put(body);
        return b.array();
    }

    static final int DATA = 0;
    static final int WINDOW_UPDATE = 1;
    static final int PING = 2;
    static final int GO_AWAY = 3;
    static final int SYN = 1;
    static final int ACK = 2;
    static final int FIN = 4;
    static final int RST = 8;

    static long readVarint(InputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in a varint");
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint too long");
    }

    /** Closes every host, newest first. */
    static void closeAll(List<Host> hosts) {
        List<Host> copy = new ArrayList<>(hosts);
        java.util.Collections.reverse(copy);
        copy.forEach(Host::close);
        hosts.clear();
    }
}
