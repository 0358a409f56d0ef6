package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path projectRoot;

    private DevInfra.Settings settings() {
        return DevInfra.Settings.defaults(projectRoot, projectRoot.resolve("work")).withPorts(29042, 29092, 29093);
    }

    @Test
    void cassandraYamlHasThePortsAndKeepsAllDataUnderTheWorkDir() throws Exception {
        DevInfra.Settings settings = settings();
        CassandraServer cassandra = new CassandraServer(settings);

        cassandra.writeConfig();

        Path home = settings.workDir().resolve("cassandra");
        assertThat(cassandra.configFile()).isEqualTo(home.resolve("conf/cassandra.yaml"));
        assertThat(Files.readAllLines(cassandra.configFile())).contains(
                "native_transport_port: 29042",
                "storage_port: 29043",
                "      - seeds: \"127.0.0.1:29043\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "  - '" + home.resolve("data") + "'",
                "commitlog_directory: '" + home.resolve("commitlog") + "'",
                "saved_caches_directory: '" + home.resolve("saved_caches") + "'",
                "hints_directory: '" + home.resolve("hints") + "'",
                "cdc_raw_directory: '" + home.resolve("cdc_raw") + "'");
        assertThat(home.resolve("data")).isDirectory();
        assertThat(home.resolve("commitlog")).isDirectory();
    }

    @Test
    void kafkaServerPropertiesHaveThePortsAndTheDataDir() throws Exception {
        DevInfra.Settings settings = settings();
        KafkaServer kafka = new KafkaServer(settings);

        kafka.writeConfig();

        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(kafka.configFile())) {
            properties.load(reader);
        }
        assertThat(properties)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:29093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:29092")
                .containsEntry("log.dirs", settings.workDir().resolve("kafka/data").toString())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .doesNotContainKey("auto.create.topics.enable");
        assertThat(kafka.dataDir()).isDirectory();
    }

    @Test
    void kafkaStorageIsFormattedOnlyOnce() throws Exception {
        KafkaServer kafka = new KafkaServer(settings());
        kafka.writeConfig();
        assertThat(kafka.isFormatted()).isFalse();

        Files.writeString(kafka.dataDir().resolve("meta.properties"), "cluster.id=kept\n");

        assertThat(kafka.isFormatted()).isTrue();
    }

    @Test
    void defaultsMatchTheDocumentedPortsHeapsAndLibraries() {
        DevInfra.Settings defaults = DevInfra.Settings.defaults(projectRoot, Path.of("relative-work"));

        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.cassandraPort()).isEqualTo(19042);
        assertThat(defaults.cassandraStoragePort()).isEqualTo(19043);
        assertThat(defaults.kafkaPort()).isEqualTo(19092);
        assertThat(defaults.kafkaControllerPort()).isEqualTo(19093);
        assertThat(defaults.cassandraHeap()).isEqualTo("768m");
        assertThat(defaults.kafkaHeap()).isEqualTo("512m");
        assertThat(defaults.cassandraLib()).isEqualTo(projectRoot.resolve("dev-infra/cassandra-dist/target/lib"));
        assertThat(defaults.kafkaLib()).isEqualTo(projectRoot.resolve("dev-infra/kafka-dist/target/lib"));
        assertThat(defaults.workDir()).isAbsolute();
    }
}
