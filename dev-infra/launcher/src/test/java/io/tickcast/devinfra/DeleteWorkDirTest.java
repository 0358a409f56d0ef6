package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteWorkDirTest {

    @TempDir
    Path parent;

    private DevInfra.Settings settings(Path workDir) throws Exception {
        return FreePorts.find().applyTo(DevInfra.Settings.defaults(parent, workDir));
    }

    @Test
    void deletesAWorkDirWithServerData() throws Exception {
        Path workDir = parent.resolve("work");
        Files.createDirectories(workDir.resolve("cassandra/data/system"));
        Files.writeString(workDir.resolve("cassandra/data/system/file.db"), "x");
        Files.createDirectories(workDir.resolve("logs"));

        DevInfra.deleteWorkDir(workDir);

        assertThat(workDir).doesNotExist();
    }

    @Test
    void refusesADirectoryWithOtherFiles() throws Exception {
        Files.createDirectories(parent.resolve("kafka"));
        Files.writeString(parent.resolve("pom.xml"), "<project/>");

        assertThatThrownBy(() -> DevInfra.deleteWorkDir(parent))
                .isInstanceOf(InfraException.class)
                .hasMessage("Refusing to delete " + parent + ": it holds more than dev infrastructure data [pom.xml]");
        assertThat(parent.resolve("kafka")).isDirectory();
    }

    @Test
    void refusesWhileTheServersMayBeRunningOnTheData() throws Exception {
        Path workDir = parent.resolve("work");
        Files.createDirectories(workDir.resolve("kafka/data"));
        try (ServerSocket runningKafka = FreePorts.listenOnEphemeralPort()) {
            DevInfra.Settings settings = settings(workDir);
            DevInfra.Settings inUse = settings.withPorts(settings.cassandraPort(), runningKafka.getLocalPort(),
                    settings.kafkaControllerPort());

            assertThatThrownBy(() -> DevInfra.deleteWorkDir(inUse)).isInstanceOf(PortInUseException.class);
        }
        assertThat(workDir.resolve("kafka/data")).isDirectory();
    }

    @Test
    void deletesWhenTheSettingsPortsAreFree() throws Exception {
        Path workDir = parent.resolve("work");
        Files.createDirectories(workDir.resolve("kafka/data"));

        DevInfra.deleteWorkDir(settings(workDir));

        assertThat(workDir).doesNotExist();
    }

    @Test
    void aMissingWorkDirIsAlreadyFresh() throws Exception {
        DevInfra.deleteWorkDir(parent.resolve("never-created"));

        assertThat(parent.resolve("never-created")).doesNotExist();
    }
}
