package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link DevInfra#start} checks before it starts anything. */
class DevInfraStartChecksTest {

    @TempDir
    Path projectRoot;

    private DevInfra.Settings settings;

    @BeforeEach
    void fakeServerClasspaths() throws IOException {
        settings = DevInfra.Settings.defaults(projectRoot, projectRoot.resolve("work"));
        for (Path lib : new Path[] {settings.cassandraLib(), settings.kafkaLib()}) {
            Files.createDirectories(lib);
            Files.createFile(lib.resolve("server.jar"));
        }
    }

    @Test
    void takenCassandraPortGivesOneLineMessage() throws IOException {
        try (ServerSocket taken = FreePorts.listenOnEphemeralPort()) {
            int port = taken.getLocalPort();
            FreePorts free = FreePorts.find();
            DevInfra.Settings withTakenPort = settings.withPorts(port, free.kafka(), free.controller());

            assertThatThrownBy(() -> DevInfra.start(withTakenPort))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessage("Port " + port + " on 127.0.0.1 (Cassandra CQL) is already in use; "
                            + "stop the other server or choose another port with --cassandra-port");
        }
        assertThat(settings.workDir()).doesNotExist();
    }

    @Test
    void takenKafkaPortNamesKafkaAndItsOption() throws IOException {
        try (ServerSocket taken = FreePorts.listenOnEphemeralPort()) {
            int port = taken.getLocalPort();
            FreePorts free = FreePorts.find();
            DevInfra.Settings withTakenPort = settings.withPorts(free.cassandra(), port, free.controller());

            assertThatThrownBy(() -> DevInfra.start(withTakenPort))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessage("Port " + port + " on 127.0.0.1 (Kafka) is already in use; "
                            + "stop the other server or choose another port with --kafka-port")
                    .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
        }
    }

    @Test
    void missingServerClasspathSaysHowToBuildIt() {
        DevInfra.Settings unbuilt = DevInfra.Settings.defaults(projectRoot.resolve("unbuilt"), projectRoot.resolve("work"));

        assertThatThrownBy(() -> DevInfra.start(unbuilt))
                .isExactlyInstanceOf(InfraException.class)
                .hasMessage("The Cassandra server classpath " + unbuilt.cassandraLib() + " is missing or empty; "
                        + "build it first: run `mvn -q package -DskipTests` in the project root");
    }

    @Test
    void emptyServerClasspathIsRejectedToo() throws IOException {
        Files.delete(settings.kafkaLib().resolve("server.jar"));

        assertThatThrownBy(() -> DevInfra.start(settings))
                .isExactlyInstanceOf(InfraException.class)
                .hasMessageContaining("The Kafka server classpath " + settings.kafkaLib() + " is missing or empty");
    }

    @Test
    void serverThatFailsToStartStopsEverythingAndReportsItsLogTail() throws IOException {
        // The fake classpaths hold no server: each child JVM fails with ClassNotFoundException.
        DevInfra.Settings unstartable = FreePorts.find().applyTo(settings);

        assertThatThrownBy(() -> DevInfra.start(unstartable))
                .isExactlyInstanceOf(InfraException.class)
                .hasMessageContaining("exited with code 1")
                .hasMessageContaining("Last lines of " + unstartable.workDir().resolve("logs"))
                .hasMessageContaining("ClassNotFoundException");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void portsThatCollideAreRejected() {
        DevInfra.Settings colliding = settings.withPorts(29042, 29043, 29093);

        assertThatThrownBy(() -> DevInfra.start(colliding))
                .isExactlyInstanceOf(InfraException.class)
                .hasMessageStartingWith("The ports must all differ");
    }
}
