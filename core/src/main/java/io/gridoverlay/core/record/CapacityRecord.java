package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.proto.GridProtos;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node offers: its total and free resources, GPUs, public IPs, location, price, certification and
 * uptime, signed by the node's key and carried in a libp2p signed envelope.
 *
 * <p>Immutable. Build with {@link #builder(PeerId)}, publish with {@link #sign(PrivateKey)}, and accept
 * from others with {@link #open(byte[], Instant)}, which checks the envelope signature, that the signer is
 * {@link #nodeId()}, the schema and limits, and the expiry.
 */
public record CapacityRecord(
        PeerId nodeId,
        long farmId,
        long seq,
        Instant issuedAt,
        Instant expiresAt,
        Resources total,
        Resources free,
        List<Gpu> gpus,
        int publicIpv4,
        int publicIpv6,
        Location location,
        Price price,
        Certification certification,
        Uptime uptime,
        List<Multiaddr> listenAddrs,
        List<Benchmark> benchmarks) {

    /** Envelope domain of capacity records. */
    public static final String DOMAIN = "gridoverlay-capacity-record";
    /** Envelope payload type: multicodec private-use code 0x300101 as a varint. */
    public static final byte[] PAYLOAD_TYPE = {(byte) 0x81, (byte) 0x82, (byte) 0xC0, 0x01};
    /** Largest encoded record accepted. */
    public static final int MAX_ENCODED_LENGTH = 16 * 1024;
    /** Largest number of GPU entries, listen addresses and benchmark figures each. */
    public static final int MAX_LIST_LENGTH = 32;
    /** Longest string field, in characters. */
    public static final int MAX_STRING_LENGTH = 128;
    /** Tolerated clock skew for {@code issuedAt} in the future. */
    public static final long MAX_CLOCK_SKEW_MS = 5 * 60_000;

    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    /** Amounts of the four resource units. */
    public record Resources(int cores, long memoryBytes, long ssdBytes, long hddBytes) {
        public static final Resources NONE = new Resources(0, 0, 0, 0);

        public Resources {
            if (cores < 0 || memoryBytes < 0 || ssdBytes < 0 || hddBytes < 0) {
                throw new IllegalArgumentException("resources must be non-negative");
            }
        }

        /** Whether every unit of this is at least that of {@code other}. */
        public boolean covers(Resources other) {
            return cores >= other.cores && memoryBytes >= other.memoryBytes && ssdBytes >= other.ssdBytes
                    && hddBytes >= other.hddBytes;
        }
    }

    /** A GPU model present {@code count} times, {@code free} of them unallocated. */
    public record Gpu(String vendor, String model, long memoryBytes, int count, int free) {
        public Gpu {
            Objects.requireNonNull(vendor, "vendor");
            Objects.requireNonNull(model, "model");
            vendor = vendor.toLowerCase(Locale.ROOT);
            if (count < 0 || free < 0 || free > count || memoryBytes < 0) {
                throw new IllegalArgumentException("gpu counts must satisfy 0 <= free <= count");
            }
        }
    }

    /** Country (ISO 3166-1 alpha-2), city, and coordinates in micro-degrees. */
    public record Location(String country, String city, int latitudeE6, int longitudeE6) {
        public static final Location UNKNOWN = new Location("", "", 0, 0);

        public Location {
            Objects.requireNonNull(country, "country");
            Objects.requireNonNull(city, "city");
            country = country.toUpperCase(Locale.ROOT);
        }

        /** Coordinates in degrees. */
        public static Location of(String country, String city, double latitude, double longitude) {
            return new Location(country, city, (int) Math.round(latitude * 1e6), (int) Math.round(longitude * 1e6));
        }
    }

    /** Prices in micro-units of {@code currency}. */
    public record Price(String currency, long coreHour, long memoryGibHour, long ssdTibMonth, long hddTibMonth,
                        long ipv4Month) {
        public static final Price FREE = new Price("", 0, 0, 0, 0, 0);

        public Price {
            Objects.requireNonNull(currency, "currency");
            if (coreHour < 0 || memoryGibHour < 0 || ssdTibMonth < 0 || hddTibMonth < 0 || ipv4Month < 0) {
                throw new IllegalArgumentException("prices must be non-negative");
            }
        }
    }

    /** Farm certification level. */
    public enum Certification { NONE, DIY, CERTIFIED, GOLD }

    /** Start of the current uptime period and last reboot. */
    public record Uptime(Instant since, Instant lastReboot) {
        public static final Uptime UNKNOWN = new Uptime(Instant.EPOCH, Instant.EPOCH);

        public Uptime {
            // The wire carries milliseconds: keep only those, so a record equals itself after a round trip.
            since = Objects.requireNonNull(since, "since").truncatedTo(ChronoUnit.MILLIS);
            lastReboot = Objects.requireNonNull(lastReboot, "lastReboot").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** An optional measured figure (e.g. "cpu-single-thread", 1234, "score"). */
    public record Benchmark(String name, double value, String unit) {
        public Benchmark {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit");
        }
    }

    public CapacityRecord {
        Objects.requireNonNull(nodeId, "nodeId");
        // The wire carries milliseconds: keep only those, so a record equals itself after a round trip.
        issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.MILLIS);
        expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(free, "free");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(certification, "certification");
        Objects.requireNonNull(uptime, "uptime");
        gpus = List.copyOf(gpus);
        listenAddrs = List.copyOf(listenAddrs);
        benchmarks = List.copyOf(benchmarks);
    }

    /** A builder for the record of {@code nodeId}. */
    public static Builder builder(PeerId nodeId) {
        return new Builder(nodeId);
    }

    /** A builder pre-filled with this record's values (e.g. to publish {@code seq + 1}). */
    public Builder toBuilder() {
        Builder b = new Builder(nodeId);
        b.farmId = farmId;
        b.seq = seq;
        b.issuedAt = issuedAt;
        b.expiresAt = expiresAt;
        b.total = total;
        b.free = free;
        b.gpus.addAll(gpus);
        b.publicIpv4 = publicIpv4;
        b.publicIpv6 = publicIpv6;
        b.location = location;
        b.price = price;
        b.certification = certification;
        b.uptime = uptime;
        b.listenAddrs.addAll(listenAddrs);
        b.benchmarks.addAll(benchmarks);
        return b;
    }

    /** Total GPUs of all models. */
    public int gpuCount() {
        return gpus.stream().mapToInt(Gpu::count).sum();
    }

    /** Unallocated GPUs of all models. */
    public int freeGpuCount() {
        return gpus.stream().mapToInt(Gpu::free).sum();
    }

    /** Whether the record has expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * Checks the schema rules that do not depend on a signature or the time.
     *
     * @throws InvalidRecordException naming the rule that failed
     */
    public void validateSchema() {
        if (seq < 0 || farmId < 0) {
            throw new InvalidRecordException("capacity record: seq and farm id must be non-negative");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new InvalidRecordException("capacity record: expiresAt " + expiresAt + " is not after issuedAt "
                    + issuedAt);
        }
        if (!total.covers(free)) {
            throw new InvalidRecordException("capacity record: free resources " + free + " exceed total " + total);
        }
        if (gpus.size() > MAX_LIST_LENGTH || listenAddrs.size() > MAX_LIST_LENGTH
                || benchmarks.size() > MAX_LIST_LENGTH) {
            throw new InvalidRecordException("capacity record: more than " + MAX_LIST_LENGTH
                    + " gpus, addresses or benchmarks");
        }
        if (publicIpv4 < 0 || publicIpv6 < 0) {
            throw new InvalidRecordException("capacity record: negative public IP count");
        }
        if (!location.country().isEmpty() && !COUNTRY.matcher(location.country()).matches()) {
            throw new InvalidRecordException("capacity record: country '" + location.country()
                    + "' is not an ISO 3166-1 alpha-2 code");
        }
        // Not Math.abs: abs(Integer.MIN_VALUE) is negative and would pass.
        if (location.latitudeE6() < -90_000_000 || location.latitudeE6() > 90_000_000
                || location.longitudeE6() < -180_000_000 || location.longitudeE6() > 180_000_000) {
            throw new InvalidRecordException("capacity record: coordinates out of range");
        }
        checkLength("city", location.city());
        checkLength("currency", price.currency());
        for (Gpu g : gpus) {
            checkLength("gpu vendor", g.vendor());
            checkLength("gpu model", g.model());
        }
        for (Benchmark b : benchmarks) {
            checkLength("benchmark name", b.name());
            checkLength("benchmark unit", b.unit());
        }
    }

    private static void checkLength(String what, String s) {
        if (s.length() > MAX_STRING_LENGTH) {
            throw new InvalidRecordException("capacity record: " + what + " longer than " + MAX_STRING_LENGTH);
        }
    }

    /** The protobuf payload bytes (deterministic). */
    public byte[] encode() {
        GridProtos.CapacityRecord.Builder b = GridProtos.CapacityRecord.newBuilder()
                .setNodeId(ByteString.copyFrom(nodeId.toBytes()))
                .setFarmId(farmId)
                .setSeq(seq)
                .setIssuedAtMs(issuedAt.toEpochMilli())
                .setExpiresAtMs(expiresAt.toEpochMilli())
                .setTotal(toProto(total))
                .setFree(toProto(free))
                .setPublicIpv4(publicIpv4)
                .setPublicIpv6(publicIpv6)
                .setLocation(GridProtos.Location.newBuilder().setCountry(location.country())
                        .setCity(location.city()).setLatitudeE6(location.latitudeE6())
                        .setLongitudeE6(location.longitudeE6()))
                .setPrice(GridProtos.Price.newBuilder().setCurrency(price.currency()).setCoreHour(price.coreHour())
                        .setMemoryGibHour(price.memoryGibHour()).setSsdTibMonth(price.ssdTibMonth())
                        .setHddTibMonth(price.hddTibMonth()).setIpv4Month(price.ipv4Month()))
                .setCertificationValue(certification.ordinal())
                .setUptime(GridProtos.Uptime.newBuilder().setSinceMs(uptime.since().toEpochMilli())
                        .setLastRebootMs(uptime.lastReboot().toEpochMilli()));
        for (Gpu g : gpus) {
            b.addGpus(GridProtos.Gpu.newBuilder().setVendor(g.vendor()).setModel(g.model())
                    .setMemoryBytes(g.memoryBytes()).setCount(g.count()).setFree(g.free()));
        }
        for (Multiaddr a : listenAddrs) {
            b.addListenAddrs(ByteString.copyFrom(a.toBytes()));
        }
        for (Benchmark m : benchmarks) {
            b.addBenchmarks(GridProtos.Benchmark.newBuilder().setName(m.name()).setValue(m.value()).setUnit(m.unit()));
        }
        return b.build().toByteArray();
    }

    /**
     * Decodes a payload strictly (size limit, no unknown fields, valid peer id and addresses, schema rules).
     * Does not check a signature or the time.
     *
     * @throws InvalidRecordException if the payload is not a valid capacity record
     */
    public static CapacityRecord decode(byte[] payload) {
        GridProtos.CapacityRecord p = StrictProto.parse(GridProtos.CapacityRecord.parser(), payload,
                MAX_ENCODED_LENGTH, "capacity record");
        try {
            if (p.getGpusCount() > MAX_LIST_LENGTH || p.getListenAddrsCount() > MAX_LIST_LENGTH
                    || p.getBenchmarksCount() > MAX_LIST_LENGTH) {
                throw new InvalidRecordException("capacity record: more than " + MAX_LIST_LENGTH
                        + " gpus, addresses or benchmarks");
            }
            if (p.getCertificationValue() < 0 || p.getCertificationValue() >= Certification.values().length) {
                throw new InvalidRecordException("capacity record: unknown certification " + p.getCertificationValue());
            }
            List<Gpu> gpus = new ArrayList<>();
            for (GridProtos.Gpu g : p.getGpusList()) {
                gpus.add(new Gpu(g.getVendor(), g.getModel(), g.getMemoryBytes(), g.getCount(), g.getFree()));
            }
            List<Multiaddr> addrs = new ArrayList<>();
            for (ByteString a : p.getListenAddrsList()) {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            }
            List<Benchmark> benchmarks = new ArrayList<>();
            for (GridProtos.Benchmark m : p.getBenchmarksList()) {
                benchmarks.add(new Benchmark(m.getName(), m.getValue(), m.getUnit()));
            }
            GridProtos.Location l = p.getLocation();
            GridProtos.Price pr = p.getPrice();
            CapacityRecord r = new CapacityRecord(
                    PeerId.fromBytes(p.getNodeId().toByteArray()),
                    p.getFarmId(), p.getSeq(),
                    Instant.ofEpochMilli(p.getIssuedAtMs()), Instant.ofEpochMilli(p.getExpiresAtMs()),
                    fromProto(p.getTotal()), fromProto(p.getFree()), gpus,
                    p.getPublicIpv4(), p.getPublicIpv6(),
                    new Location(l.getCountry(), l.getCity(), l.getLatitudeE6(), l.getLongitudeE6()),
                    new Price(pr.getCurrency(), pr.getCoreHour(), pr.getMemoryGibHour(), pr.getSsdTibMonth(),
                            pr.getHddTibMonth(), pr.getIpv4Month()),
                    Certification.values()[p.getCertificationValue()],
                    new Uptime(Instant.ofEpochMilli(p.getUptime().getSinceMs()),
                            Instant.ofEpochMilli(p.getUptime().getLastRebootMs())),
                    addrs, benchmarks);
            r.validateSchema();
            return r;
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("capacity record: " + e.getMessage(), e);
        }
    }

    /**
     * Signs this record with the node's key into a libp2p envelope.
     *
     * @throws IllegalArgumentException if {@code nodeKey} is not the key of {@link #nodeId()}
     */
    public SignedRecord<CapacityRecord> sign(PrivateKey nodeKey) {
        if (!nodeKey.peerId().equals(nodeId)) {
            throw new IllegalArgumentException("capacity record of " + nodeId + " cannot be signed by "
                    + nodeKey.peerId());
        }
        validateSchema();
        Envelope env = Envelope.seal(nodeKey, DOMAIN, PAYLOAD_TYPE, encode());
        return new SignedRecord<>(this, env);
    }

    /**
     * Opens and verifies a signed capacity record received from anyone: envelope signature, payload type,
     * signer is the node, schema, issued-at not in the future beyond the skew, and not expired at
     * {@code now}. Never throws for bad input.
     */
    public static Verification<SignedRecord<CapacityRecord>> open(byte[] envelopeBytes, Instant now) {
        try {
            Envelope env = Envelope.open(envelopeBytes, DOMAIN);
            if (!java.util.Arrays.equals(env.payloadType(), PAYLOAD_TYPE)) {
                return Verification.invalid("envelope payload type is not a capacity record");
            }
            CapacityRecord r = decode(env.payload());
            if (!env.publicKey().peerId().equals(r.nodeId())) {
                return Verification.invalid("capacity record of " + r.nodeId() + " signed by another key "
                        + env.publicKey().peerId());
            }
            if (r.isExpired(now)) {
                return Verification.invalid("capacity record of " + r.nodeId() + " expired at " + r.expiresAt());
            }
            if (r.issuedAt().toEpochMilli() > now.toEpochMilli() + MAX_CLOCK_SKEW_MS) {
                return Verification.invalid("capacity record of " + r.nodeId() + " issued in the future ("
                        + r.issuedAt() + ")");
            }
            return Verification.valid(new SignedRecord<>(r, env));
        } catch (DecodingException e) {
            return Verification.invalid(e.getMessage());
        }
    }

    /** A human-readable JSON rendering. */
    public String toJson() {
        Json j = new Json().beginObject()
                .field("nodeId", nodeId.toBase58()).field("farmId", farmId).field("seq", seq)
                .field("issuedAt", issuedAt.toString()).field("expiresAt", expiresAt.toString())
                .raw("total", json(total)).raw("free", json(free));
        j.beginArray("gpus");
        for (Gpu g : gpus) {
            j.rawElement(new Json().beginObject().field("vendor", g.vendor()).field("model", g.model())
                    .field("memoryBytes", g.memoryBytes()).field("count", g.count()).field("free", g.free())
                    .endObject().toString());
        }
        j.endArray().field("publicIpv4", publicIpv4).field("publicIpv6", publicIpv6)
                .raw("location", new Json().beginObject().field("country", location.country())
                        .field("city", location.city()).field("latitude", location.latitudeE6() / 1e6)
                        .field("longitude", location.longitudeE6() / 1e6).endObject().toString())
                .raw("price", new Json().beginObject().field("currency", price.currency())
                        .field("coreHour", price.coreHour()).field("memoryGibHour", price.memoryGibHour())
                        .field("ssdTibMonth", price.ssdTibMonth()).field("hddTibMonth", price.hddTibMonth())
                        .field("ipv4Month", price.ipv4Month()).endObject().toString())
                .field("certification", certification.name())
                .raw("uptime", new Json().beginObject().field("since", uptime.since().toString())
                        .field("lastReboot", uptime.lastReboot().toString()).endObject().toString())
                .strings("listenAddrs", listenAddrs.stream().map(Multiaddr::toString).toList());
        j.beginArray("benchmarks");
        for (Benchmark m : benchmarks) {
            j.rawElement(new Json().beginObject().field("name", m.name()).field("value", m.value())
                    .field("unit", m.unit()).endObject().toString());
        }
        return j.endArray().endObject().toString();
    }

    private static String json(Resources r) {
        return new Json().beginObject().field("cores", r.cores()).field("memoryBytes", r.memoryBytes())
                .field("ssdBytes", r.ssdBytes()).field("hddBytes", r.hddBytes()).endObject().toString();
    }

    private static GridProtos.Resources toProto(Resources r) {
        return GridProtos.Resources.newBuilder().setCores(r.cores()).setMemoryBytes(r.memoryBytes())
                .setSsdBytes(r.ssdBytes()).setHddBytes(r.hddBytes()).build();
    }

    private static Resources fromProto(GridProtos.Resources r) {
        if (r.getCores() < 0 || r.getMemoryBytes() < 0 || r.getSsdBytes() < 0 || r.getHddBytes() < 0) {
            throw new InvalidRecordException("capacity record: resource amount out of range");
        }
        return new Resources(r.getCores(), r.getMemoryBytes(), r.getSsdBytes(), r.getHddBytes());
    }

    /** Builder; every field but the node id has a default (zero, empty, unknown). */
    public static final class Builder {
        private final PeerId nodeId;
        private long farmId;
        private long seq;
        private Instant issuedAt = Instant.now();
        private Instant expiresAt;
        private Resources total = Resources.NONE;
        private Resources free = Resources.NONE;
        private final List<Gpu> gpus = new ArrayList<>();
        private int publicIpv4;
        private int publicIpv6;
        private Location location = Location.UNKNOWN;
        private Price price = Price.FREE;
        private Certification certification = Certification.NONE;
        private Uptime uptime = Uptime.UNKNOWN;
        private final List<Multiaddr> listenAddrs = new ArrayList<>();
        private final List<Benchmark> benchmarks = new ArrayList<>();

        private Builder(PeerId nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        }

        public Builder farmId(long v) { farmId = v; return this; }
        public Builder seq(long v) { seq = v; return this; }
        public Builder issuedAt(Instant v) { issuedAt = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder total(Resources v) { total = v; return this; }
        public Builder free(Resources v) { free = v; return this; }
        public Builder addGpu(Gpu v) { gpus.add(v); return this; }
        public Builder gpus(List<Gpu> v) { gpus.clear(); gpus.addAll(v); return this; }
        public Builder publicIps(int v4, int v6) { publicIpv4 = v4; publicIpv6 = v6; return this; }
        public Builder location(Location v) { location = v; return this; }
        public Builder price(Price v) { price = v; return this; }
        public Builder certification(Certification v) { certification = v; return this; }
        public Builder uptime(Uptime v) { uptime = v; return this; }
        public Builder addListenAddr(Multiaddr v) { listenAddrs.add(v); return this; }
        public Builder listenAddrs(List<Multiaddr> v) { listenAddrs.clear(); listenAddrs.addAll(v); return this; }
        public Builder addBenchmark(Benchmark v) { benchmarks.add(v); return this; }

        /** Builds the record; expiry defaults to one hour after issue. */
        public CapacityRecord build() {
            Instant exp = expiresAt != null ? expiresAt : issuedAt.plusSeconds(3600);
            CapacityRecord r = new CapacityRecord(nodeId, farmId, seq, issuedAt, exp, total, free, gpus, publicIpv4,
                    publicIpv6, location, price, certification, uptime, listenAddrs, benchmarks);
            r.validateSchema();
            return r;
        }
    }
}
