package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.protocol.Ping;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The epoll native library is an optional dependency: a library user without it (another OS, another
 * architecture, or simply not declared) gets NIO. Both ways of getting there are checked over loopback TCP.
 */
class NativeTransportFallbackTest {

    /** {@code nativeTransport(false)} forces NIO: two hosts connect and ping. */
    @Test
    void nioForcedByConfigConnectsAndPings() {
        assertThat(PingOverLoopback.run(false)).isPositive();
    }

    /**
     * The native library is absent: the host classes are loaded in a class loader that hides Netty's
     * epoll shared library (as if netty-transport-native-epoll were not on the class path). Epoll then
     * reports itself unavailable and a host with the default configuration (native transport requested)
     * falls back to NIO, connects and pings.
     */
    @Test
    void epollLibraryAbsentFallsBackToNio() throws Exception {
        try (URLClassLoader isolated = new HidingClassLoader(testClassPath(), "META-INF/native/libnetty_transport_native_epoll")) {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll", true, isolated);
            assertThat((Boolean) epoll.getMethod("isAvailable").invoke(null)).as("epoll without its library").isFalse();
            Class<?> run = Class.forName(PingOverLoopback.class.getName(), true, isolated);
            assertThat(run).isNotSameAs(PingOverLoopback.class);
            long nanos = (Long) run.getMethod("run", boolean.class).invoke(null, true);
            assertThat(nanos).isPositive();
        }
    }

    /** Starts two hosts, dials one from the other and pings it; returns the round trip in nanoseconds. */
    public static final class PingOverLoopback {
        public static long run(boolean nativeTransport) {
            try (Host a = host(nativeTransport); Host b = host(nativeTransport)) {
                a.start().join();
                b.start().join();
                Multiaddr bAddr = b.listenAddresses().get(0).encapsulate("/p2p/" + b.peerId().toBase58());
                Connection c = a.dial(bAddr).orTimeout(10, TimeUnit.SECONDS).join();
                Duration rtt = Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join();
                return Math.max(1, rtt.toNanos());
            }
        }

        private static Host host(boolean nativeTransport) {
            return Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1)
                    .nativeTransport(nativeTransport).build();
        }
    }

    /** Surefire runs tests from a manifest-only jar; the real test class path is in this property. */
    private static URL[] testClassPath() throws MalformedURLException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Loads everything itself (parent: the platform loader) and hides resources under one prefix. */
    private static final class HidingClassLoader extends URLClassLoader {
        private final String hidden;

        HidingClassLoader(URL[] urls, String hidden) {
            super("no-native-epoll", urls, ClassLoader.getPlatformClassLoader());
            this.hidden = hidden;
        }

        @Override
        public URL findResource(String name) {
            return name.startsWith(hidden) ? null : super.findResource(name);
        }

        @Override
        public Enumeration<URL> findResources(String name) throws IOException {
            return name.startsWith(hidden) ? Collections.emptyEnumeration() : super.findResources(name);
        }
    }
}
