/**
 * The {@code /plaintext/2.0.0} handshake handler (not API; see {@link io.gridoverlay.transport.internal}).
 */
package io.gridoverlay.transport.internal.plaintext;
