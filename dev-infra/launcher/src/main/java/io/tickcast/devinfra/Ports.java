package io.tickcast.devinfra;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Port checks done before anything starts, and the TCP probe used while waiting for a server. */
final class Ports {

    private Ports() {
    }

    /** Throws {@link PortInUseException} when something already listens on {@code host:port}. */
    static void requireFree(String host, int port, String server, String option) {
        try (ServerSocket socket = new ServerSocket()) {
            // Lets the check pass over sockets in TIME_WAIT left by a server that just stopped.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new PortInUseException(host, port, server, option);
        } catch (IOException e) {
            throw new InfraException("Cannot check port " + port + " on " + host + ": " + e.getMessage(), e);
        }
    }

    /** Returns once a TCP connection to {@code host:port} succeeds; throws otherwise. */
    static void connect(String host, int port, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        }
    }
}
