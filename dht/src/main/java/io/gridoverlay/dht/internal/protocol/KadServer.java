package io.gridoverlay.dht.internal.protocol;

import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestHandler;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.KeyspaceHandler;
import io.gridoverlay.dht.protocol.MessageType;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.protocol.StoreQuotaConfig;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadRequestRejectedException.Reason;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.RecordRejectedException;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the Kad protocol, without I/O: answers each request from the routing table view and
 * the stores, as go-libp2p-kad-dht's handlers do.
 *
 * <ul>
 *   <li>FIND_NODE: the {@code k} peers closest to {@code sha256(key)} with at least one address, without
 *       the requester and self; the local peer itself if the key is its own id.</li>
 *   <li>GET_VALUE: the stored record (if any, and still valid) and the closer peers.</li>
 *   <li>PUT_VALUE: validates and stores the record (replacing a stored one only if the namespace's
 *       validator prefers it) and echoes the request with {@code timeReceived} set; a refused record
 *       throws {@link KadRequestRejectedException}.</li>
 *   <li>ADD_PROVIDER: keeps only the provider entries whose peer id is the sender's and which carry an
 *       address; the answer is not sent on the wire. A key that has all the providers it keeps refuses a
 *       new one ({@link KadRequestRejectedException.Reason#PROVIDERS_FULL}).</li>
 *   <li>GET_PROVIDERS: the providers and the closer peers.</li>
 *   <li>PING: an empty PING.</li>
 *   <li>PUT_VALUE and GET_VALUE of a key in a {@link KeyspaceHandler}'s namespace: answered by that handler.</li>
 * </ul>
 *
 * <p>PUT_VALUE and ADD_PROVIDER count against the sender's {@link StoreQuotaConfig quota}, per peer id and
 * per IP group of the connection ({@code from}'s address); a write over it is refused before the store is
 * touched.
 *
 * <p>Thread-safe if its collaborators are (the stores are; the {@link ClosestPeersSource} must be). Costs:
 * one closest-k query per FIND_NODE/GET_VALUE/GET_PROVIDERS plus the store operation.
 */
public final class KadServer implements KadRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KadServer.class);

    private final Supplier<PeerInfo> self;
    private final ClosestPeersSource peers;
    private final RecordStore records;
    private final ProviderStore providers;
    private final int k;
    private final List<KeyspaceHandler> keyspaces;
    private final SenderQuota recordQuota;
    private final SenderQuota providerQuota;

    private KadServer(Builder b) {
        this.self = Objects.requireNonNull(b.self, "self");
        this.peers = Objects.requireNonNull(b.peers, "peers");
        this.records = Objects.requireNonNull(b.records, "records");
        this.providers = Objects.requireNonNull(b.providers, "providers");
        this.k = b.k;
        this.keyspaces = List.copyOf(b.keyspaces);
        StoreQuotaConfig q = b.quota;
        this.recordQuota = new SenderQuota("record", q.maxRecordsPerPeer(), q.maxRecordBytesPerPeer(),
                q.maxRecordsPerIpGroup(), q.maxRecordBytesPerIpGroup(), records.config().recordTtl(),
                records.config().clock(), q.maxTrackedSenders());
        this.providerQuota = new SenderQuota("provider", q.maxProvidersPerPeer(), Long.MAX_VALUE,
                q.maxProvidersPerIpGroup(), Long.MAX_VALUE, providers.config().providerTtl(),
                providers.config().clock(), q.maxTrackedSenders());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public KadResponse handle(PeerInfo from, KadRequest request) {
        if (request instanceof KadRequest.FindNode r) {
            return findNode(from, r);
        } else if (request instanceof KadRequest.GetValue r) {
            byte[] key = r.key();
            KeyspaceHandler ks = keyspace(key);
            return KadResponse.getValue(key, ks != null ? ks.get(from, key) : records.get(key),
                    closer(key, from.peerId()));
        } else if (request instanceof KadRequest.PutValue r) {
            KeyspaceHandler ks = keyspace(r.key());
            return ks != null ? KadResponse.putValue(ks.put(from, r.record())) : putValue(from, r);
        } else if (request instanceof KadRequest.AddProvider r) {
            return addProvider(from, r);
        } else if (request instanceof KadRequest.GetProviders r) {
            byte[] key = r.key();
            return KadResponse.getProviders(key, providers.providers(key), closer(key, from.peerId()));
        } else if (request instanceof KadRequest.Ping) {
            return KadResponse.ping();
        }
        throw new IllegalArgumentException("unknown request " + request);
    }

    private KadResponse findNode(PeerInfo from, KadRequest.FindNode r) {
        byte[] key = r.key();
        PeerInfo me = self.get();
        if (Arrays.equals(key, me.peerId().toBytes())) {
            return KadResponse.findNode(key, List.of(me));
        }
        return KadResponse.findNode(key, closer(key, from.peerId()));
    }

    private KadResponse putValue(PeerInfo from, KadRequest.PutValue r) {
        KadRecord record = r.record();
        SenderQuota.Reservation charged = recordQuota.reserve(from.peerId(), IpGroup.of(from.addresses()),
                record.key(), (long) record.key().length + record.value().length);
        try {
            KadRecord stored = records.put(record);
            return KadResponse.putValue(stored);
        } catch (RecordRejectedException e) {
            charged.rollback();
            LOG.debug("PUT_VALUE from {} refused: {}", from.peerId(), e.getMessage());
            throw new KadRequestRejectedException(Reason.RECORD_REFUSED,
                    "PUT_VALUE refused (" + e.reason() + "): " + e.getMessage(), e);
        }
    }

    private KadResponse addProvider(PeerInfo from, KadRequest.AddProvider r) {
        byte[] key = r.key();
        for (PeerInfo p : r.providers()) {
            if (!p.peerId().equals(from.peerId())) {
                LOG.debug("ADD_PROVIDER from {} names another provider {}; ignored", from.peerId(), p.peerId());
                continue;
            }
            if (p.addresses().isEmpty()) {
                LOG.debug("ADD_PROVIDER from {} without an address; ignored", from.peerId());
                continue;
            }
            SenderQuota.Reservation charged = providerQuota.reserve(from.peerId(), IpGroup.of(from.addresses()),
                    key, 0);
            if (!providers.addProvider(key, p)) {
                charged.rollback();
                throw new KadRequestRejectedException(Reason.PROVIDERS_FULL, "ADD_PROVIDER from " + from.peerId()
                        + " refused: the key has " + providers.config().maxProvidersPerKey() + " providers");
            }
        }
        return KadResponse.empty(MessageType.ADD_PROVIDER, key);
    }

    private KeyspaceHandler keyspace(byte[] key) {
        for (KeyspaceHandler h : keyspaces) {
            if (KeyspaceHandler.inNamespace(key, h.namespace())) {
                return h;
            }
        }
        return null;
    }

    /** The k closest peers to sha256(key) with an address, without {@code requester} and self. */
    private List<PeerInfo> closer(byte[] key, PeerId requester) {
        PeerId me = self.get().peerId();
        List<PeerInfo> candidates = peers.closestPeers(Key.sha256(key), k + 2);
        List<PeerInfo> out = new ArrayList<>(Math.min(k, candidates.size()));
        for (PeerInfo p : candidates) {
            if (out.size() == k) {
                break;
            }
            if (p.peerId().equals(requester) || p.peerId().equals(me) || p.addresses().isEmpty()) {
                continue;
            }
            out.add(p);
        }
        return out;
    }

    /** Builder of {@link KadServer}. Not thread-safe. */
    public static final class Builder {
        private Supplier<PeerInfo> self;
        private ClosestPeersSource peers;
        private RecordStore records;
        private ProviderStore providers;
        private int k = RoutingTableConfig.DEFAULT_K;
        private List<KeyspaceHandler> keyspaces = List.of();
        private StoreQuotaConfig quota = StoreQuotaConfig.defaults();

        private Builder() {
        }

        /** Namespaces answered by their own handler instead of the record store (default none). */
        public Builder keyspaces(List<KeyspaceHandler> handlers) {
            this.keyspaces = List.copyOf(handlers);
            return this;
        }

        /** What one sender may store (default {@link StoreQuotaConfig#defaults()}). */
        public Builder quota(StoreQuotaConfig quota) {
            this.quota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /** The local peer with its current listen addresses (read per request). */
        public Builder self(Supplier<PeerInfo> self) {
            this.self = self;
            return this;
        }

        /** The local peer with fixed addresses. */
        public Builder self(PeerInfo self) {
            Objects.requireNonNull(self, "self");
            this.self = () -> self;
            return this;
        }

        public Builder peers(ClosestPeersSource peers) {
            this.peers = peers;
            return this;
        }

        public Builder records(RecordStore records) {
            this.records = records;
            return this;
        }

        public Builder providers(ProviderStore providers) {
            this.providers = providers;
            return this;
        }

        /** Peers per answer (default 20). */
        public Builder k(int k) {
            if (k <= 0) {
                throw new IllegalArgumentException("k must be positive, got " + k);
            }
            this.k = k;
            return this;
        }

        public KadServer build() {
            return new KadServer(this);
        }
    }

    /** For tests and logs. */
    @Override
    public String toString() {
        return "KadServer[" + Optional.ofNullable(self.get()).map(PeerInfo::peerId).orElse(null) + ", k=" + k + "]";
    }
}
