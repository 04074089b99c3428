package io.gridoverlay.transport;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.transport.internal.multistream.MultistreamNegotiationHandler;
import io.gridoverlay.transport.internal.noise.EarlyMuxerNegotiation;
import io.gridoverlay.transport.internal.noise.NoiseConfig;
import io.gridoverlay.transport.internal.noise.NoiseHandshakeHandler;
import io.gridoverlay.transport.internal.plaintext.PlaintextHandshakeHandler;
import io.gridoverlay.transport.internal.yamux.YamuxFrameCodec;
import io.gridoverlay.transport.internal.yamux.YamuxHandler;
import io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget;
import io.gridoverlay.transport.internal.yamux.YamuxWriteBudget;
import io.gridoverlay.transport.noise.HandshakeException;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns a fresh TCP channel into a {@link Connection}, one stage at a time, each installing its handler and
 * moving on when that handler's future completes:
 *
 * <pre>
 * NEGOTIATE_SECURITY  multistream-select /noise (or /plaintext/2.0.0 when the host is insecure)
 *   -> SECURE         Noise XX with the libp2p payload (or the plaintext key exchange)
 *   -> NEGOTIATE_MUXER multistream-select /yamux/1.0.0, skipped when both listed Yamux in the Noise extensions
 *   -> MUX            Yamux installed, the Connection built and handed to the host to register
 * </pre>
 *
 * Any stage failing, the channel closing, or the handshake timeout firing fails the upgrade and closes the
 * channel. Runs on the channel's event loop; one instance serves every connection of a {@link Host}.
 */
final class ConnectionUpgrader {
    /** The host's side of the last stage: registers the built connection and completes {@code result}. */
    interface Registrar {
        void established(Connection c, CompletableFuture<Connection> result);
    }

    private final Host host;
    private final HostConfig config;
    private final PrivateKey key;
    private final NoiseConfig noiseConfig;
    private final YamuxWriteBudget writeBudget;
    private final YamuxReceiveBudget receiveBudget;
    private final Registrar registrar;

    ConnectionUpgrader(Host host, HostConfig config, YamuxWriteBudget writeBudget, YamuxReceiveBudget receiveBudget,
                       Registrar registrar) {
        this.host = host;
        this.config = config;
        this.key = config.identity();
        this.writeBudget = writeBudget;
        this.receiveBudget = receiveBudget;
        this.registrar = registrar;
        this.noiseConfig = NoiseConfig.builder()
                .identity(IdentityAdapters.noiseIdentity(key))
                .verifier(IdentityAdapters.VERIFIER)
                .handshakeTimeout(config.handshakeTimeout())
                .streamMuxers(config.earlyMuxerNegotiation() ? List.of(Host.YAMUX) : List.of())
                .build();
    }

    /** One connection's upgrade: the channel, its direction, the expected peer (outbound) and the outcome. */
    private final class Upgrade {
        final SocketChannel ch;
        final Connection.Direction direction;
        final boolean outbound;
        final PeerId expected;
        final CompletableFuture<Connection> result = new CompletableFuture<>();

        Upgrade(SocketChannel ch, Connection.Direction direction, PeerId expected) {
            this.ch = ch;
            this.direction = direction;
            this.outbound = direction == Connection.Direction.OUTBOUND;
            this.expected = expected;
        }

        void fail(Throwable e) {
            result.completeExceptionally(e);
            ch.close();
        }

        void negotiateSecurity() {
            List<String> offered = List.of(config.insecurePlaintext() ? PlaintextHandshakeHandler.PROTOCOL : Host.NOISE);
            MultistreamNegotiationHandler security = outbound
                    ? MultistreamNegotiationHandler.initiator(offered)
                    : MultistreamNegotiationHandler.responder(offered);
            ch.pipeline().addLast(PipelineErrorHandler.NAME, PipelineErrorHandler.INSTANCE);
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "ms-security", security);
            security.selectedProtocol().whenComplete((p, e) -> {
                if (e != null) {
                    fail(e);
                } else if (PlaintextHandshakeHandler.PROTOCOL.equals(p)) {
                    exchangePlaintextKeys();
                } else {
                    runNoise();
                }
            });
        }

        void exchangePlaintextKeys() {
            PlaintextHandshakeHandler plain = outbound
                    ? PlaintextHandshakeHandler.initiator(key.publicKey(), expected)
                    : PlaintextHandshakeHandler.responder(key.publicKey());
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "plaintext", plain);
            plain.result().whenComplete((remoteKey, e) -> {
                if (e != null) {
                    fail(e);
                } else {
                    secured(remoteKey, List.of()); // no extensions: multistream for the muxer
                }
            });
        }

        void runNoise() {
            NoiseHandshakeHandler noise = outbound
                    ? NoiseHandshakeHandler.initiator(noiseConfig, expected == null ? null : expected.toBytes())
                    : NoiseHandshakeHandler.responder(noiseConfig);
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "noise", noise);
            noise.result().whenComplete((r, e) -> {
                if (e != null) {
                    fail(e);
                } else {
                    secured(PublicKey.decode(r.remoteIdentityKey()), r.remoteStreamMuxers());
                }
            });
        }

        /** After the security handshake: the muxer, agreed in the Noise extensions or by multistream-select. */
        void secured(PublicKey remoteKey, List<String> remoteMuxers) {
            Optional<String> early;
            try {
                early = remoteMuxers.isEmpty() ? Optional.empty()
                        : EarlyMuxerNegotiation.select(noiseConfig.streamMuxers(), remoteMuxers, outbound);
            } catch (HandshakeException e) {
                fail(e);
                return;
            }
            if (early.isPresent()) {
                // agreed in the Noise extensions: Yamux frames follow the handshake directly
                mux(remoteKey, true);
                return;
            }
            MultistreamNegotiationHandler muxer = outbound
                    ? MultistreamNegotiationHandler.initiator(List.of(Host.YAMUX))
                    : MultistreamNegotiationHandler.responder(List.of(Host.YAMUX));
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "ms-muxer", muxer);
            muxer.selectedProtocol().whenComplete((p, e) -> {
                if (e != null) {
                    fail(e);
                } else {
                    mux(remoteKey, false);
                }
            });
        }

        /**
         * Installs Yamux and hands the connection to the host; on the channel's event loop. A connection is
         * handed over only while its channel is active and its upgrade has not failed (timed out, closed): a
         * dead connection must reach neither the registry nor the listeners nor the caller.
         */
        void mux(PublicKey remoteKey, boolean muxerInHandshake) {
            if (!ch.eventLoop().inEventLoop()) {
                ch.eventLoop().execute(() -> mux(remoteKey, muxerInHandshake));
                return;
            }
            if (result.isDone() || !ch.isActive()) {
                fail(new TransportException("connection to " + ch.remoteAddress() + " closed during the upgrade"));
                return;
            }
            Connection[] holder = new Connection[1];
            YamuxHandler yamux = new YamuxHandler(config.yamux(), outbound, ys -> {
                Connection c = holder[0];
                return c == null ? null : Stream.acceptInbound(c, ys, config.streamNegotiationTimeout().toMillis());
            }, writeBudget, receiveBudget);
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "yamux-codec", new YamuxFrameCodec(config.yamux()));
            ch.pipeline().addBefore(PipelineErrorHandler.NAME, "yamux", yamux);
            Connection c = new Connection(host, ch, yamux, remoteKey, Host.toMultiaddr(ch.remoteAddress()),
                    Host.toMultiaddr(ch.localAddress()), direction, muxerInHandshake);
            holder[0] = c;
            if (!ch.isActive()) {
                // installing the muxer flushed the first frames into a socket the peer had already reset
                result.completeExceptionally(new TransportException(c + " closed during the upgrade"));
                return;
            }
            registrar.established(c, result);
        }
    }

    /**
     * Starts the upgrade of {@code ch}; call on its event loop. The future fails with a
     * {@link HandshakeException} when the whole upgrade takes longer than the host's handshake timeout.
     */
    CompletableFuture<Connection> upgrade(SocketChannel ch, Connection.Direction direction, PeerId expected) {
        Upgrade u = new Upgrade(ch, direction, expected);
        ScheduledFuture<?> timeout = ch.eventLoop().schedule(() -> {
            if (u.result.completeExceptionally(new HandshakeException("connection upgrade with "
                    + ch.remoteAddress() + " timed out after " + config.handshakeTimeout().toMillis() + " ms"))) {
                ch.close();
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        u.result.whenComplete((c, e) -> timeout.cancel(false));
        ch.closeFuture().addListener(f -> u.result.completeExceptionally(
                new TransportException("connection to " + ch.remoteAddress() + " closed during the upgrade")));
        u.negotiateSecurity();
        return u.result;
    }

}
