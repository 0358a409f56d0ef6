package io.tickcast.devinfra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Distinct free ports on 127.0.0.1 for one set of servers; Cassandra's CQL port + 1 is free too. */
record FreePorts(int cassandra, int kafka, int controller) {

    static FreePorts find() throws IOException {
        while (true) {
            try (ServerSocket cql = listenOnEphemeralPort();
                 ServerSocket kafka = listenOnEphemeralPort();
                 ServerSocket controller = listenOnEphemeralPort()) {
                if (isFree(cql.getLocalPort() + 1)) {
                    return new FreePorts(cql.getLocalPort(), kafka.getLocalPort(), controller.getLocalPort());
                }
            }
        }
    }

    static ServerSocket listenOnEphemeralPort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    DevInfra.Settings applyTo(DevInfra.Settings settings) {
        return settings.withPorts(cassandra, kafka, controller);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            return socket.isBound();
        } catch (IOException taken) {
            return false;
        }
    }
}
