package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class MultistreamTest {

    private static ByteBuf encode(String... messages) {
        ByteBuf b = Unpooled.buffer();
        for (String m : messages) {
            MultistreamFrames.write(m, b, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
        }
        return b;
    }

    @Test
    void naIsEncodedAsInTheSpec() {
        ByteBuf b = encode("na");
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("036e610a");
        b.release();
        ByteBuf h = encode(MultistreamFrames.PROTOCOL_ID);
        assertThat(h.getByte(0)).isEqualTo((byte) 19);
        assertThat(h.readableBytes()).isEqualTo(MultistreamFrames.encodedLength(MultistreamFrames.PROTOCOL_ID));
        h.release();
    }

    @Test
    void malformedMessagesAreRejectedWithTypedErrors() {
        assertThatThrownBy(() -> decode(0x03, 'n', 'a', 'x')).hasMessageContaining("newline")
                .isInstanceOf(ProtocolNegotiationException.class);
        assertThatThrownBy(() -> decode(0x01, '\n')).hasMessageContaining("too short");
        assertThatThrownBy(() -> decode(0x03, 'a', '\n', '\n')).hasMessageContaining("inner newline");
        assertThatThrownBy(() -> decode(0x81, 0x00)).hasMessageContaining("non-minimal");
        assertThatThrownBy(() -> decode(0x81, 0x81, 0x81, 0x01)).hasMessageContaining("longer than 3 bytes");
        assertThatThrownBy(() -> decode(0x03, 0xC3, 0x28, '\n')).hasMessageContaining("UTF-8");
        // 1025 bytes announced: rejected before waiting for the body
        assertThatThrownBy(() -> decode(0x81, 0x08)).hasMessageContaining("exceeds limit of 1024");
        assertThat(decodeOrNull(0x05, 'a')).isNull();
    }

    private static String decode(int... bytes) {
        String s = decodeOrNull(bytes);
        assertThat(s).isNotNull();
        return s;
    }

    private static String decodeOrNull(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        try {
            return MultistreamFrames.tryDecode(b, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
        } finally {
            b.release();
        }
    }

    @Test
    void encoderRejectsInvalidText() {
        assertThatThrownBy(() -> encode("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode("x".repeat(1024))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negotiatorFallsBackOnNa() {
        MultistreamNegotiator init = MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/noise"));
        MultistreamNegotiator resp = MultistreamNegotiator.responder(Set.of("/noise"));
        List<String> toResp = new ArrayList<>(init.start());
        List<String> toInit = new ArrayList<>(resp.start());
        assertThat(toResp).containsExactly("/multistream/1.0.0", "/tls/1.0.0");
        while (!(init.isDone() && resp.isDone())) {
            List<String> a = new ArrayList<>();
            for (String m : toResp) {
                a.addAll(resp.onMessage(m));
            }
            List<String> b = new ArrayList<>();
            for (String m : toInit) {
                b.addAll(init.onMessage(m));
            }
            toInit = a;
            toResp = b;
        }
        assertThat(init.selectedProtocol()).contains("/noise");
        assertThat(resp.selectedProtocol()).contains("/noise");
    }

    @Test
    void negotiatorFailures() {
        MultistreamNegotiator init = MultistreamNegotiator.initiator(List.of("/a"));
        init.start();
        assertThatThrownBy(() -> init.onMessage("/a")).isInstanceOf(ProtocolNegotiationException.class)
                .hasMessageContaining("expected header");
        assertThat(init.isFailed()).isTrue();

        MultistreamNegotiator only = MultistreamNegotiator.initiator(List.of("/a"));
        only.start();
        only.onMessage(MultistreamFrames.PROTOCOL_ID);
        assertThatThrownBy(() -> only.onMessage("na")).hasMessageContaining("supports none");

        MultistreamNegotiator odd = MultistreamNegotiator.initiator(List.of("/a"));
        odd.start();
        odd.onMessage(MultistreamFrames.PROTOCOL_ID);
        assertThatThrownBy(() -> odd.onMessage("/b")).hasMessageContaining("answered '/b'");

        MultistreamNegotiator resp = MultistreamNegotiator.responder(Set.of("/a"), 2);
        resp.start();
        resp.onMessage(MultistreamFrames.PROTOCOL_ID);
        assertThat(resp.onMessage("/x")).containsExactly("na");
        assertThat(resp.onMessage("ls")).containsExactly("na");
        assertThatThrownBy(() -> resp.onMessage("/y")).hasMessageContaining("rejected more than 2");
    }

    /** Every way of cutting the stream into reads yields the same messages. */
    @Test
    void anySplitDecodesTheSame() {
        qt().withFixedSeed(0x3501L).withExamples(200).forAll(messages(), cuts())
                .checkAssert((messages, cuts) -> {
            ByteBuf all = encode(messages.toArray(String[]::new));
            byte[] bytes = ByteBufUtil.getBytes(all);
            all.release();
            EmbeddedChannel ch = new EmbeddedChannel(new MultistreamFrameDecoder());
            int pos = 0;
            for (int cut : cuts) {
                int end = Math.min(bytes.length, pos + cut);
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, end - pos));
                pos = end;
            }
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, bytes.length - pos));
            List<String> got = new ArrayList<>();
            for (Object o; (o = ch.readInbound()) != null; ) {
                got.add((String) o);
            }
            assertThat(got).isEqualTo(messages);
            assertThat(ch.finishAndReleaseAll()).isFalse();
        });
    }

    private static Gen<List<String>> messages() {
        StringBuilder alphabet = new StringBuilder("é✓");
        for (char c = ' '; c <= '~'; c++) {
            alphabet.append(c);
        }
        return lists().of(strings(alphabet.toString(), 1, 300)).ofSizeBetween(0, 8);
    }

    private static Gen<List<Integer>> cuts() {
        return lists().of(integers().between(0, 40)).ofSizeBetween(0, 30);
    }

    @Test
    void oversizedMessageFiresTypedExceptionFromDecoder() {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new MultistreamFrameDecoder(16), sink(errors));
        ch.writeInbound(encode("/this/is/longer/than/sixteen"));
        assertThat(errors).singleElement().isInstanceOf(ProtocolNegotiationException.class);
        ch.finishAndReleaseAll();
    }

    private static ChannelInboundHandlerAdapter sink(List<Throwable> errors) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        };
    }

    /** Collects bytes that pass through after negotiation. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteBuf bytes = Unpooled.buffer();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytes.writeBytes(b);
            b.release();
        }
    }

    @Test
    void handlersNegotiateAndPassPipelinedBytesOn() {
        MultistreamNegotiationHandler ih = MultistreamNegotiationHandler.initiator(List.of("/tls/1.0.0", "/noise"));
        MultistreamNegotiationHandler rh = MultistreamNegotiationHandler.responder(Set.of("/noise"));
        EmbeddedChannel a = new EmbeddedChannel(ih);
        EmbeddedChannel b = new EmbeddedChannel(rh);
        Collector afterA = new Collector();
        Collector afterB = new Collector();
        ih.selectedProtocol().thenAccept(p -> a.pipeline().addLast(afterA));
        rh.selectedProtocol().thenAccept(p -> {
            b.pipeline().addLast(afterB);
            // The responder pipelines protocol data right behind its echo.
            b.writeAndFlush(Unpooled.copiedBuffer("S", StandardCharsets.US_ASCII));
        });
        for (int i = 0; i < 10; i++) {
            for (Object o; (o = a.readOutbound()) != null; ) {
                b.writeInbound(o);
            }
            ByteBuf merged = Unpooled.buffer();
            for (ByteBuf o; (o = b.readOutbound()) != null; ) {
                merged.writeBytes(o);
                o.release();
            }
            a.writeInbound(merged); // echo and "S" arrive in one read
        }
        assertThat(ih.selectedProtocol()).isCompletedWithValue("/noise");
        assertThat(rh.selectedProtocol()).isCompletedWithValue("/noise");
        assertThat(a.pipeline().get(MultistreamNegotiationHandler.class)).isNull();
        assertThat(afterA.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("S");
        afterA.bytes.release();
        afterB.bytes.release();
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void handlerFailsAndClosesOnNoCommonProtocol() {
        MultistreamNegotiationHandler ih = MultistreamNegotiationHandler.initiator(List.of("/a"));
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel a = new EmbeddedChannel(ih, sink(errors));
        a.releaseOutbound();
        a.writeInbound(encode(MultistreamFrames.PROTOCOL_ID, "na"));
        assertThat(ih.selectedProtocol()).isCompletedExceptionally();
        assertThat(errors).singleElement().isInstanceOf(ProtocolNegotiationException.class);
        assertThat(a.isOpen()).isFalse();
        a.finishAndReleaseAll();
    }
}
