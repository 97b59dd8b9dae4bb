package io.cistern.target.session;

import io.cistern.target.backend.Plug;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Plugs the event loop for the commands of one socket read ({@link Plug}): a backend hands them to
 * its threads together when the read is handled, not one by one. Unplugs in a finally block, so a
 * failing command never strands the others.
 */
@ChannelHandler.Sharable
final class PlugHandler extends ChannelInboundHandlerAdapter {
    static final PlugHandler INSTANCE = new PlugHandler();

    private PlugHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!Plug.start()) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ctx.fireChannelRead(msg);
        } finally {
            Plug.finish();
        }
    }
}
