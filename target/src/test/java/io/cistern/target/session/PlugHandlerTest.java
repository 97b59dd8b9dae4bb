package io.cistern.target.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.backend.Plug;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each socket read is one plug: whatever a backend kept during it is handed on when the read ends. */
class PlugHandlerTest {
    private final List<String> events = new ArrayList<>();

    /** Stands for the decoder and the SCSI core: each message is a command that reaches a backend. */
    private final ChannelInboundHandlerAdapter commands = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add("command " + msg);
            Plug.attach("backend", () -> () -> events.add("unplug"));
            if ("bad".equals(msg)) {
                throw new IllegalStateException("command failed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("error");
        }
    };

    @Test
    void everyReadUnplugsOnceAfterItsCommands() {
        EmbeddedChannel channel = new EmbeddedChannel(PlugHandler.INSTANCE, commands);
        channel.writeInbound("1");
        channel.writeInbound("2");
        assertEquals(List.of("command 1", "unplug", "command 2", "unplug"), events);
        channel.finishAndReleaseAll();
    }

    @Test
    void aFailingCommandStillUnplugs() {
        EmbeddedChannel channel = new EmbeddedChannel(PlugHandler.INSTANCE, commands);
        channel.writeInbound("bad");
        assertEquals(List.of("command bad", "error", "unplug"), events);
        assertTrue(Plug.start(), "the event loop is left unplugged");
        Plug.finish();
        channel.finishAndReleaseAll();
    }
}
