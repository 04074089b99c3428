package io.gridoverlay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.noise.HandshakeException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Regression: exceptions such as a peer's TCP reset (seen when js-libp2p hangs up) reached Netty's
 * pipeline tail with a warning and a stack trace per connection; now the last handler closes the channel.
 */
class PipelineErrorHandlerTest {

    @Test
    void peerResetClosesTheChannelAndStopsThere() {
        EmbeddedChannel ch = new EmbeddedChannel(PipelineErrorHandler.INSTANCE);
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThat(ch.isOpen()).isFalse();
        ch.checkException(); // nothing reached the tail
    }

    @Test
    void handshakeFailureClosesTheChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(PipelineErrorHandler.INSTANCE);
        ch.pipeline().fireExceptionCaught(new HandshakeException("remote identity does not match"));
        assertThat(ch.isOpen()).isFalse();
        ch.checkException();
    }
}
