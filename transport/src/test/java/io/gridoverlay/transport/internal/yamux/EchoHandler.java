package io.gridoverlay.transport.internal.yamux;

import io.netty.buffer.ByteBuf;

/**
 * Writes back what it receives and closes its side when the peer does. Back-pressured: received bytes
 * count as consumed only once their echo was written, so the peer can never overrun the echo queue
 * when {@code maxStreamWriteQueue >= maxStreamWindow}. A failed echo write resets the stream.
 */
final class EchoHandler implements YamuxStreamHandler {
    @Override
    public void onData(YamuxStream stream, ByteBuf data) {
        stream.setAutoConsume(false);
        int length = data.readableBytes();
        stream.write(data.retainedDuplicate()).whenComplete((v, error) -> {
            if (error == null) {
                stream.consumed(length);
            } else {
                stream.reset();
            }
        });
    }

    @Override
    public void onRemoteClose(YamuxStream stream) {
        stream.closeWrite();
    }
}
