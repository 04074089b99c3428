package io.gridoverlay.transport.yamux;

import io.netty.buffer.ByteBuf;

/** Writes back what it receives and closes its side when the peer does. */
final class EchoHandler implements YamuxStreamHandler {
    @Override
    public void onData(YamuxStream stream, ByteBuf data) {
        stream.write(data.retainedDuplicate());
    }

    @Override
    public void onRemoteClose(YamuxStream stream) {
        stream.closeWrite();
    }
}
