package io.gridoverlay.dht.capacity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import java.time.Instant;
import java.util.List;

/** A node's own capacity-index store, read directly (what it holds, not what a reader accepts). */
record KademliaDhtHolder(KademliaDht dht, Instant now) {
    static List<KademliaDhtHolder> all(SimGrid g) {
        Instant now = g.net.clock().instant();
        return g.dhts.stream().map(d -> new KademliaDhtHolder(d, now)).toList();
    }

    /** Whether this holder serves an entry of {@code node} under any shard of {@code key} on the node's path. */
    boolean holds(IndexKey key, PeerId node) {
        CapacityIndexStore s = (CapacityIndexStore) dht.keyspace(IndexKey.NAMESPACE).orElseThrow();
        int path = IndexKey.path(node);
        for (int depth = 0; depth <= IndexKey.MAX_DEPTH; depth++) {
            var rec = s.get(PeerInfo.of(dht.self()), key.shard(IndexKey.pathShard(path, depth)).bytes());
            if (rec.isEmpty()) {
                continue;
            }
            try {
                for (ByteString b : IndexPage.parseFrom(rec.get().value()).getRecordsList()) {
                    if (Envelope.open(b.toByteArray(), CapacityRecord.DOMAIN).peerId().equals(node)) {
                        return true;
                    }
                }
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return false;
    }
}
