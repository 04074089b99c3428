/**
 * A discrete-event network simulator that runs the real {@link io.gridoverlay.dht.KademliaDht} code in
 * virtual time: one event loop ({@link io.gridoverlay.dht.sim.SimulatedNetwork}) is every node's
 * {@link io.gridoverlay.dht.DhtScheduler} and {@link io.gridoverlay.dht.protocol.KadNetwork}; latency
 * comes from a 2D Euclidean coordinate model ({@link io.gridoverlay.dht.sim.LatencyModel}), churn from
 * session/offline time distributions ({@link io.gridoverlay.dht.sim.ChurnModel}), and
 * {@link io.gridoverlay.dht.sim.Simulation} runs a {@link io.gridoverlay.dht.sim.Scenario} and measures
 * lookups against brute-force ground truth ({@link io.gridoverlay.dht.sim.GroundTruth}).
 *
 * <p>Everything is single-threaded and seeded: the same scenario and seed give identical results.
 *
 * <p>Public API: {@code Simulation} running a {@code Scenario} (with {@code LatencyModel}, {@code ChurnModel},
 * {@code Adversary}, {@code Workload}, {@code CapacityWorkload}, {@code CapacityMix}) over a
 * {@code SimulatedNetwork}, and its results ({@code SimulationResult}, {@code SimulationReport},
 * {@code CapacityReport}, {@code LookupSample}, {@code GroundTruth}).
 */
package io.gridoverlay.dht.sim;
