package io.gridoverlay.dht.sim;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.PeerInfo;

/**
 * Extra work a {@link Simulation} runs in the same network, on the same nodes, under the same churn and
 * loss as its lookups (e.g. {@link CapacityWorkload}). The simulation calls it at fixed points; everything
 * runs on the simulation's single thread, in virtual time.
 */
public interface Workload {

    /** What a workload sees of the simulation. */
    interface Context {
        SimulatedNetwork network();

        int nodes();

        /** Whether node {@code i} is online (a server or client). */
        boolean online(int i);

        /** Whether node {@code i} is an honest server (not a client, not an adversary). */
        boolean honestServer(int i);

        /** Node {@code i}'s DHT, null while it is offline. */
        KademliaDht dht(int i);

        /** Node {@code i}'s network endpoint (to send raw requests), null while it is offline. */
        SimulatedNetwork.Endpoint endpoint(int i);

        /** Node {@code i}'s identity key (null for ground Sybil identities, which have none). */
        PrivateKey privateKey(int i);

        PeerInfo info(int i);

        /** A random online honest node other than {@code except}, or -1. */
        int randomLiveHonest(int except);
    }

    /** Adds to node {@code i}'s DHT configuration (e.g. a keyspace) each time it starts. */
    default void configure(Context ctx, int i, DhtConfig.Builder config) {
    }

    /** After the initial state (routing tables filled), before measuring; no churn yet. */
    default void prepare(Context ctx) {
    }

    /**
     * At the start of measurement ({@code start}, virtual nanoseconds); the lookups run over {@code span}.
     * Returns the virtual time the workload's last operation is scheduled at.
     */
    default long start(Context ctx, long start, long span) {
        return start;
    }

    /** Whether the workload has finished (the measurement ends when it and the lookups have). */
    default boolean done() {
        return true;
    }

    /** Node {@code i} crashed (churn). */
    default void onCrash(int i) {
    }

    /** Node {@code i} came back (churn) and started bootstrapping. */
    default void onRejoin(int i) {
    }

    /** Measurement over: final bookkeeping before the simulation summarises. */
    default void finish(Context ctx) {
    }
}
