/**
 * The libp2p Kademlia DHT: routing table, Kad protocol, iterative lookups, record and provider stores,
 * and the grid extensions (capacity index, deployment registry) with a network simulator.
 */
package io.gridoverlay.dht;
