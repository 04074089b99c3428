/**
 * The libp2p {@code /plaintext/2.0.0} "security" protocol: peers exchange their identity keys and then
 * talk in clear. <strong>It provides neither confidentiality nor authentication</strong>; it exists so
 * that benchmarks can show what Noise costs and so that interop tests can inspect traffic. A host offers
 * it only when built with {@code Host.builder().insecurePlaintext()}; its handler lives in
 * {@code io.gridoverlay.transport.internal.plaintext}.
 *
 * <p>Public API: {@link io.gridoverlay.transport.plaintext.PlaintextHandshakeException}.
 */
package io.gridoverlay.transport.plaintext;
