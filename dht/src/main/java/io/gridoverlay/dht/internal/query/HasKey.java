package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.routing.Key;

/**
 * A peer handle that knows its Kademlia key (the SHA-256 of its peer id), so lookups can be built without
 * a separate key function. Implementations must return the same key on every call.
 */
@FunctionalInterface
public interface HasKey {
    /** The Kademlia key of this peer; never null. */
    Key key();
}
