/**
 * libp2p identity: key pairs ({@link io.gridoverlay.core.identity.Ed25519} by default; secp256k1, ECDSA
 * P-256 and RSA for interoperability), their strict libp2p protobuf encoding
 * ({@link io.gridoverlay.core.identity.PublicKey}, {@link io.gridoverlay.core.identity.PrivateKey}),
 * {@link io.gridoverlay.core.identity.PeerId} and key files ({@link io.gridoverlay.core.identity.KeyFiles}).
 * Follows libp2p/specs {@code peer-ids/peer-ids.md}.
 */
package io.gridoverlay.core.identity;
