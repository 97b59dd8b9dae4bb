package io.cistern.target.session;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Native epoll where the platform has it, NIO otherwise. */
record Transport(String name, Class<? extends ServerChannel> serverChannel) {

    static Transport best() {
        return Epoll.isAvailable()
                ? new Transport("epoll", EpollServerSocketChannel.class)
                : new Transport("nio", NioServerSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads) {
        return serverChannel == EpollServerSocketChannel.class
                ? new EpollEventLoopGroup(threads)
                : new NioEventLoopGroup(threads);
    }
}
