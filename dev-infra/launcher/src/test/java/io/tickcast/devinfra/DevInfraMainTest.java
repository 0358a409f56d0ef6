package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevInfraMainTest {

    @Test
    void parsesPortsAndFresh() {
        DevInfraMain.Options options = DevInfraMain.Options.parse("--work-dir", "/tmp/w", "--project-root", "/p",
                "--cassandra-port", "29042", "--kafka-port", "29092", "--kafka-controller-port", "29093", "--fresh");

        assertThat(options.fresh()).isTrue();
        assertThat(options.settings().workDir()).isEqualTo(Path.of("/tmp/w"));
        assertThat(options.settings().cassandraLib()).isEqualTo(Path.of("/p/dev-infra/cassandra-dist/target/lib"));
        assertThat(options.settings().cassandraPort()).isEqualTo(29042);
        assertThat(options.settings().kafkaPort()).isEqualTo(29092);
        assertThat(options.settings().kafkaControllerPort()).isEqualTo(29093);
    }

    @Test
    void keepsDefaultPortsAndDataUnlessAsked() {
        DevInfraMain.Options options = DevInfraMain.Options.parse("--work-dir", "/tmp/w", "--project-root", "/p");

        assertThat(options.fresh()).isFalse();
        assertThat(options.settings()).isEqualTo(DevInfra.Settings.defaults(Path.of("/p"), Path.of("/tmp/w")));
    }

    @Test
    void rejectsMissingAndMalformedArguments() {
        assertThatThrownBy(() -> DevInfraMain.Options.parse("--work-dir", "/tmp/w"))
                .hasMessage("--work-dir and --project-root are required");
        assertThatThrownBy(() -> DevInfraMain.Options.parse("--work-dir", "/tmp/w", "--project-root", "/p", "--kafka-port", "x"))
                .hasMessage("--kafka-port needs a port number, not x");
        assertThatThrownBy(() -> DevInfraMain.Options.parse("--work-dir"))
                .hasMessage("--work-dir needs a value");
        assertThatThrownBy(() -> DevInfraMain.Options.parse("--verbose"))
                .hasMessage("unknown option --verbose");
    }
}
