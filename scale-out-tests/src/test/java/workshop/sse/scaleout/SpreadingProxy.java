package workshop.sse.scaleout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import workshop.sse.tck.Relay;

/**
 * One address in front of several instances, as a load balancer without sticky sessions: each new connection goes to
 * the next instance in turn, and its bytes pass both ways unchanged. A client that reconnects lands on another
 * instance, which is the case a cluster must survive.
 */
final class SpreadingProxy implements AutoCloseable {

    /**
     * The buffers on the way from an instance to a client, as small as the kit's own non-reading client's: they must
     * not add to what a slow client's bound (SPEC 3.8) measures. The way in keeps the defaults (a body goes fast).
     */
    private static final int SOCKET_BUFFER = 4 * 1024;

    private final List<InetSocketAddress> instances;
    private final ServerSocket listener;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    SpreadingProxy(List<URI> instances) throws IOException {
        this.instances = instances.stream().map(uri -> new InetSocketAddress(uri.getHost(), uri.getPort())).toList();
        listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("spreading-proxy").start(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                InetSocketAddress instance = instances.get(Math.floorMod(next.getAndIncrement(), instances.size()));
                Thread.ofVirtual().start(() -> relay(client, instance));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client, InetSocketAddress instance) {
        Socket server = new Socket();
        try {
            open.add(client);
            open.add(server);
            client.setSendBufferSize(SOCKET_BUFFER);
            server.setReceiveBufferSize(SOCKET_BUFFER); // before connecting: it sets the TCP window
            server.connect(instance, 2_000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            Relay.abort(client); // as a balancer whose instance is down answers
            Relay.closeQuietly(server);
            return;
        }
        Relay.bothWays(client, server, Thread.ofVirtual()::start, () -> {
            for (Socket socket : List.of(client, server)) {
                Relay.closeQuietly(socket);
                open.remove(socket);
            }
        });
    }

    @Override
    public void close() {
        Relay.closeQuietly(listener);
        open.forEach(Relay::closeQuietly);
    }
}
