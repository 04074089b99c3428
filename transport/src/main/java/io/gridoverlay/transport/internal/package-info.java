/**
 * The transport's machinery, public only so that the transport's root package and the JMH benchmarks can
 * reach it. <strong>Not API</strong>: anything under {@code io.gridoverlay.transport.internal} may change
 * in any release. Embedders use {@link io.gridoverlay.transport.Host} and the types its package-info lists.
 */
package io.gridoverlay.transport.internal;
