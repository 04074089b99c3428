package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.CapacityRecord.Resources;

/**
 * Told when a node's free capacity changed (accept, update, delete, expiry, start): GridNode republishes its
 * capacity record. Called on the service's thread after the ledger write; must return quickly.
 */
@FunctionalInterface
public interface CapacityListener {
    void freeCapacityChanged(Resources free);
}
