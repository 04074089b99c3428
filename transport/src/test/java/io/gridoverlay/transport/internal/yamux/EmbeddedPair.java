package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;

/** A client and a server session on two EmbeddedChannels sharing a mock clock; {@link #pump()} moves bytes. */
final class EmbeddedPair {
    final MockTicker ticker = Ticker.newMockTicker();
    final YamuxHandler client;
    final YamuxHandler server;
    final EmbeddedChannel clientChannel;
    final EmbeddedChannel serverChannel;

    EmbeddedPair(YamuxConfig clientConfig, YamuxConfig serverConfig, YamuxStreamAcceptor clientAcceptor,
            YamuxStreamAcceptor serverAcceptor) {
        client = new YamuxHandler(clientConfig, true, clientAcceptor);
        server = new YamuxHandler(serverConfig, false, serverAcceptor);
        clientChannel = EmbeddedChannel.builder().ticker(ticker)
                .handlers(new YamuxFrameCodec(clientConfig), client).build();
        serverChannel = EmbeddedChannel.builder().ticker(ticker)
                .handlers(new YamuxFrameCodec(serverConfig), server).build();
    }

    EmbeddedPair(YamuxConfig config, YamuxStreamAcceptor serverAcceptor) {
        this(config, config, YamuxStreamAcceptor.refuseAll(), serverAcceptor);
    }

    /** Moves bytes both ways until both sides are quiet. */
    void pump() {
        boolean moved;
        do {
            moved = transfer(clientChannel, serverChannel) | transfer(serverChannel, clientChannel);
        } while (moved);
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        boolean moved = false;
        Object msg;
        while ((msg = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        return moved;
    }

    /** Decodes and returns (releasing them) the frames {@code channel} wrote. */
    static List<YamuxFrame> writtenFrames(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<YamuxFrame> frames = new ArrayList<>();
        ByteBuf all = channel.alloc().buffer();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            all.writeBytes(buf);
            buf.release();
        }
        YamuxFrame frame;
        while ((frame = YamuxFrameCodec.decode(all, Integer.MAX_VALUE)) != null) {
            if (frame instanceof YamuxFrame.Data d) {
                frames.add(new YamuxFrame.Data(d.streamId(), d.flags(), io.netty.buffer.Unpooled.copiedBuffer(d.body())));
                d.release();
            } else {
                frames.add(frame);
            }
        }
        all.release();
        return frames;
    }

    void close() {
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }
}
