/**
 * libp2p identity: key pairs ({@link io.gridoverlay.core.identity.Ed25519} by default; secp256k1, ECDSA
 * P-256 and RSA for interoperability), their strict libp2p protobuf encoding
 * ({@link io.gridoverlay.core.identity.PublicKey}, {@link io.gridoverlay.core.identity.PrivateKey}),
 * {@link io.gridoverlay.core.identity.PeerId} and key files ({@link io.gridoverlay.core.identity.KeyFiles}).
 * Follows libp2p/specs {@code peer-ids/peer-ids.md}.
 *
 * <p>Public API: {@code PeerId}, {@code PublicKey} and {@code PrivateKey} (sealed, one implementation per
 * {@code KeyType}: Ed25519, Secp256k1, Ecdsa, Rsa), {@code KeyPair}, {@code Ed25519} (generation), {@code KeyFiles},
 * {@code SignatureCaches} (verification caching), {@code InvalidKeyException}, {@code InvalidPeerIdException}.
 */
package io.gridoverlay.core.identity;
