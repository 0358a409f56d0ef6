package io.tickcast.devinfra;

/** A port the infrastructure needs is taken; the message is one line meant to be shown as is. */
public final class PortInUseException extends InfraException {

    private final int port;

    public PortInUseException(String host, int port, String server, String option) {
        super("Port " + port + " on " + host + " (" + server + ") is already in use; "
                + "stop the other server or choose another port with " + option);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
