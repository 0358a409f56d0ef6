package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteWorkDirTest {

    @TempDir
    Path parent;

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
    void aMissingWorkDirIsAlreadyFresh() {
        DevInfra.deleteWorkDir(parent.resolve("never-created"));

        assertThat(parent.resolve("never-created")).doesNotExist();
    }
}
