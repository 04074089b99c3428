package io.gridoverlay.transport.internal.yamux;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/** Records what a stream received. */
class RecordingHandler implements YamuxStreamHandler {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean remoteClosed;
    boolean reset;
    int writabilityChanges;

    @Override
    public void onData(YamuxStream stream, ByteBuf data) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        received.writeBytes(bytes);
    }

    @Override
    public void onRemoteClose(YamuxStream stream) {
        remoteClosed = true;
    }

    @Override
    public void onReset(YamuxStream stream) {
        reset = true;
    }

    @Override
    public void onWritabilityChanged(YamuxStream stream) {
        writabilityChanges++;
    }

    byte[] bytes() {
        return received.toByteArray();
    }
}
