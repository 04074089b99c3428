/**
 * The multiformats encodings libp2p uses: unsigned {@link io.gridoverlay.core.encoding.Varint}s,
 * {@link io.gridoverlay.core.encoding.Multibase} (base58btc, base32 and others),
 * {@link io.gridoverlay.core.encoding.Multihash} and {@link io.gridoverlay.core.encoding.Multiaddr} (binary
 * and text). Decoders check every length before allocating and fail with a
 * {@link io.gridoverlay.core.encoding.DecodingException} that names what was wrong.
 *
 * <p>Public API: {@code Multiaddr} with {@code Protocol}, {@code Multihash}, {@code Multibase}, {@code Base58},
 * {@code Base32}, {@code Varint}, and {@code DecodingException}.
 */
package io.gridoverlay.core.encoding;
