package io.gridoverlay.transport.internal.plaintext;

import io.gridoverlay.transport.plaintext.PlaintextHandshakeException;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.transport.proto.PlaintextProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code /plaintext/2.0.0} exchange decoder: typed errors only, any split decodes the same. */
class PlaintextFuzzTest {
    private static final PublicKey LOCAL = Ed25519.generate().publicKey();
    private static final PublicKey REMOTE = Ed25519.generate().publicKey();

    /** A responder fed {@code data}; returns the errors it fired, and the result if any. */
    private static List<Throwable> feed(List<byte[]> pieces, PlaintextHandshakeHandler handler, List<Object> after) {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(handler, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                after.add(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
        for (byte[] p : pieces) {
            if (ch.isOpen()) {
                ch.writeInbound(Unpooled.wrappedBuffer(p));
            }
        }
        ch.finishAndReleaseAll();
        return errors;
    }

    @FuzzTest(maxDuration = "30s")
    void stream(byte[] data) {
        PlaintextHandshakeHandler h = PlaintextHandshakeHandler.responder(LOCAL);
        List<Object> after = new ArrayList<>();
        List<Throwable> errors = feed(List.of(data), h, after);
        after.forEach(o -> ((ByteBuf) o).release());
        assertThat(errors).allMatch(e -> e instanceof PlaintextHandshakeException);
        if (h.result().isDone() && !h.result().isCompletedExceptionally()) {
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void arbitraryBytesGiveOnlyTypedErrors() {
        qt().withFixedSeed(0x9701L).withExamples(300).forAll(bytes(0, ANY_SIZE))
                .checkAssert(data -> {
            stream(data);
        });
    }

    @Test
    void anySplitDecodesTheSameAndPassesTrailingBytesOn() {
        qt().withFixedSeed(0x9702L).withExamples(100).forAll(integers().between(1, 200))
                .checkAssert(piece -> {
            byte[] exchange = PlaintextHandshakeHandler.exchangeMessage(REMOTE);
            byte[] wire = Arrays.copyOf(exchange, exchange.length + 3);
            wire[exchange.length] = 7;
            wire[exchange.length + 1] = 8;
            wire[exchange.length + 2] = 9;
            List<byte[]> pieces = new ArrayList<>();
            for (int off = 0; off < wire.length; off += piece) {
                pieces.add(Arrays.copyOfRange(wire, off, Math.min(wire.length, off + piece)));
            }
            PlaintextHandshakeHandler h = PlaintextHandshakeHandler.initiator(LOCAL, REMOTE.peerId());
            List<Object> after = new ArrayList<>();
            assertThat(feed(pieces, h, after)).isEmpty();
            assertThat(h.result()).isCompletedWithValue(REMOTE);
            ByteBuf trailing = Unpooled.buffer();
            for (Object o : after) {
                trailing.writeBytes((ByteBuf) o);
                ((ByteBuf) o).release();
            }
            assertThat(trailing.readableBytes()).isEqualTo(3);
            assertThat(trailing.readByte()).isEqualTo((byte) 7);
            trailing.release();
        });
    }

    @Test
    void ourMessageRoundTrips() {
        byte[] m = PlaintextHandshakeHandler.exchangeMessage(REMOTE);
        assertThat(PlaintextHandshakeHandler.parseExchange(Arrays.copyOfRange(m, 1, m.length))).isEqualTo(REMOTE);
    }

    @Test
    void idThatIsNotTheKeysIsRejected() {
        byte[] body = PlaintextProtos.Exchange.newBuilder()
                .setId(ByteString.copyFrom(LOCAL.peerId().toBytes()))
                .setPubkey(ByteString.copyFrom(REMOTE.encode())).build().toByteArray();
        assertThatThrownBy(() -> PlaintextHandshakeHandler.parseExchange(body))
                .isInstanceOf(PlaintextHandshakeException.class).hasMessageContaining("does not match");
    }

    @Test
    void missingFieldsAreNamed() {
        byte[] noKey = PlaintextProtos.Exchange.newBuilder()
                .setId(ByteString.copyFrom(LOCAL.peerId().toBytes())).build().toByteArray();
        assertThatThrownBy(() -> PlaintextHandshakeHandler.parseExchange(noKey))
                .isInstanceOf(PlaintextHandshakeException.class).hasMessageContaining("no public key");
        byte[] noId = PlaintextProtos.Exchange.newBuilder()
                .setPubkey(ByteString.copyFrom(LOCAL.encode())).build().toByteArray();
        assertThatThrownBy(() -> PlaintextHandshakeHandler.parseExchange(noId))
                .isInstanceOf(PlaintextHandshakeException.class).hasMessageContaining("no peer id");
    }

    @Test
    void unexpectedRemoteIsRejectedAndTheChannelClosed() {
        PlaintextHandshakeHandler h = PlaintextHandshakeHandler.initiator(LOCAL, LOCAL.peerId());
        List<Throwable> errors = feed(List.of(PlaintextHandshakeHandler.exchangeMessage(REMOTE)), h, new ArrayList<>());
        assertThat(errors).singleElement().isInstanceOf(PlaintextHandshakeException.class);
        assertThat(h.result()).isCompletedExceptionally();
    }

    @Test
    void oversizedLengthIsRejectedBeforeBuffering() {
        PlaintextHandshakeHandler h = PlaintextHandshakeHandler.responder(LOCAL);
        List<Throwable> errors = feed(List.of(new byte[] {(byte) 0x81, (byte) 0x40}), h, new ArrayList<>());
        assertThat(errors).singleElement().isInstanceOf(PlaintextHandshakeException.class)
                .extracting(Throwable::getMessage).asString().contains("longer than 4096");
    }

    @Test
    void theHandlerSendsItsOwnExchangeFirst() {
        EmbeddedChannel ch = new EmbeddedChannel(PlaintextHandshakeHandler.responder(LOCAL));
        ByteBuf sent = ch.readOutbound();
        byte[] bytes = new byte[sent.readableBytes()];
        sent.readBytes(bytes);
        sent.release();
        assertThat(bytes).isEqualTo(PlaintextHandshakeHandler.exchangeMessage(LOCAL));
        ch.finishAndReleaseAll();
    }
}
