package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.CapacityRecord.Uptime;
import java.time.Instant;
import java.util.List;

/** The node-independent part of a capacity record: what a {@link CapacitySource} knows before it names a node. */
record CapacitySpec(long farmId, Resources total, Resources free, List<Gpu> gpus, int publicIpv4, int publicIpv6,
                    Location location, Price price, Certification certification, Uptime uptime,
                    List<CapacityRecord.Benchmark> benchmarks) {
    CapacitySpec {
        gpus = List.copyOf(gpus);
        benchmarks = List.copyOf(benchmarks);
    }

    static CapacitySpec of(CapacityRecord r) {
        return new CapacitySpec(r.farmId(), r.total(), r.free(), r.gpus(), r.publicIpv4(), r.publicIpv6(),
                r.location(), r.price(), r.certification(), r.uptime(), r.benchmarks());
    }

    /** The record of {@code node}: seq 0, issued at {@code now}, expiring an hour later. */
    CapacityRecord toRecord(PeerId node, List<Multiaddr> listenAddrs, Instant now) {
        List<Multiaddr> addrs = listenAddrs.size() > CapacityRecord.MAX_LIST_LENGTH
                ? listenAddrs.subList(0, CapacityRecord.MAX_LIST_LENGTH) : listenAddrs;
        CapacityRecord.Builder b = CapacityRecord.builder(node).farmId(farmId).seq(0).issuedAt(now)
                .expiresAt(now.plusSeconds(3600)).total(total).free(free).gpus(gpus).publicIps(publicIpv4, publicIpv6)
                .location(location).price(price).certification(certification).uptime(uptime).listenAddrs(addrs);
        benchmarks.forEach(b::addBenchmark);
        return b.build();
    }
}
