package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pending-handshake counter: address grouping, both limits, and release. */
class PendingHandshakesTest {
    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void groupsIpv4ByAddressAndIpv6BySlash64() {
        assertThat(PendingHandshakes.AddressGroup.of(ip("10.0.0.1")))
                .isNotEqualTo(PendingHandshakes.AddressGroup.of(ip("10.0.0.2")));
        assertThat(PendingHandshakes.AddressGroup.of(ip("2001:db8:1:2::1")))
                .isEqualTo(PendingHandshakes.AddressGroup.of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertThat(PendingHandshakes.AddressGroup.of(ip("2001:db8:1:2::1")))
                .isNotEqualTo(PendingHandshakes.AddressGroup.of(ip("2001:db8:1:3::1")));
        // an IPv4 address and an IPv6 prefix with the same low bits are different groups
        assertThat(PendingHandshakes.AddressGroup.of(ip("0.0.0.1")))
                .isNotEqualTo(PendingHandshakes.AddressGroup.of(ip("0:0:0:1::")));
    }

    @Test
    void ipv4MappedIpv6CountsAsTheIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 7;
        // Inet6Address.getByAddress keeps the 16-byte form (InetAddress.getByAddress would unwrap it)
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(PendingHandshakes.AddressGroup.of(v6)).isEqualTo(PendingHandshakes.AddressGroup.of(ip("10.0.0.7")));
    }

    @Test
    void perAddressLimitRefusesOneSourceButNotAnother() {
        PendingHandshakes p = new PendingHandshakes(4, 2);
        assertThat(p.tryAcquire(ip("127.0.0.2"))).isNull();
        assertThat(p.tryAcquire(ip("127.0.0.2"))).isNull();
        assertThat(p.tryAcquire(ip("127.0.0.2"))).contains("per IPv4 address limit 2");
        assertThat(p.tryAcquire(ip("127.0.0.1"))).isNull();
        assertThat(p.total()).isEqualTo(3);
        assertThat(p.tryAcquire(ip("::1"))).isNull();
        assertThat(p.tryAcquire(ip("127.0.0.3"))).contains("pending handshakes limit 4");
        p.release(ip("127.0.0.2"));
        assertThat(p.tryAcquire(ip("127.0.0.2"))).isNull();
        assertThat(p.pending(ip("127.0.0.2"))).isEqualTo(2);
    }

    @Test
    void countsStayWithinTheLimitsAndReleaseEverything() {
        qt().withFixedSeed(0x9D01L).withExamples(200)
                .forAll(integers().between(1, 6),
                        integers().between(1, 4),
                        lists().of(integers().between(0, 5)).ofSizeBetween(0, 60))
                .checkAssert((maxTotal, maxPerGroup, sources) -> {
            PendingHandshakes p = new PendingHandshakes(maxTotal, maxPerGroup);
            List<InetAddress> held = new ArrayList<>();
            int[] perSource = new int[6];
            for (int s : sources) {
                InetAddress a = ip(s < 3 ? "192.0.2." + s : "2001:db8:0:" + s + "::" + s);
                boolean room = held.size() < maxTotal && perSource[s] < maxPerGroup;
                String refusal = p.tryAcquire(a);
                assertThat(refusal == null).isEqualTo(room);
                if (refusal == null) {
                    held.add(a);
                    perSource[s]++;
                }
                assertThat(p.total()).isEqualTo(held.size()).isLessThanOrEqualTo(maxTotal);
                assertThat(p.pending(a)).isEqualTo(perSource[s]).isLessThanOrEqualTo(maxPerGroup);
                if (s % 2 == 0 && !held.isEmpty()) { // interleave releases
                    InetAddress r = held.remove(0);
                    p.release(r);
                    perSource[indexOf(r)]--;
                }
            }
            held.forEach(p::release);
            assertThat(p.total()).isZero();
            assertThat(p.groups()).isZero();
        });
    }

    private static int indexOf(InetAddress a) {
        String s = a.getHostAddress();
        return s.startsWith("192.0.2.") ? Integer.parseInt(s.substring(8)) : Integer.parseInt(s.substring(s.length() - 1));
    }
}
