package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP port on the loopback that forwards each connection to a Unix socket (a Docker engine's), and
 * that a test can cut and restore: cut, it drops every open connection and every new one at once,
 * as an engine that is restarting does; restored, it forwards again. Point a service at
 * {@link #dockerHost()} instead of the socket.
 */
public final class SocketProxy implements AutoCloseable {

    private final SocketAddress target;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private SocketProxy(Path unixSocket) throws IOException {
        this.target = UnixDomainSocketAddress.of(unixSocket);
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "socket-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SocketProxy toUnixSocket(Path unixSocket) {
        try {
            return new SocketProxy(unixSocket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    /** The address as a Docker host setting takes it. */
    public String dockerHost() {
        return "tcp://127.0.0.1:" + port();
    }

    /** From now on the target is unreachable: open connections are closed, new ones closed on arrival. */
    public void cut() {
        cut = true;
        open.forEach(SocketProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
                upstream.connect(target);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private void pump(SocketChannel from, SocketChannel to) {
        Thread thread = new Thread(
                () -> {
                    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                    try {
                        while (from.read(buffer) >= 0) {
                            buffer.flip();
                            while (buffer.hasRemaining()) {
                                to.write(buffer);
                            }
                            buffer.clear();
                        }
                    } catch (IOException closed) {
                        // either side went away, or the proxy was cut
                    } finally {
                        open.remove(from);
                        open.remove(to);
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "socket-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
