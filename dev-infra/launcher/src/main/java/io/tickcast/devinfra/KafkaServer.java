package io.tickcast.devinfra;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Apache Kafka 4 in KRaft mode, one combined broker and controller, data under {@code workDir/kafka}. */
final class KafkaServer extends ChildServer {

    private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

    private static final String MAIN_CLASS = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";

    private final DevInfra.Settings settings;
    private final Path home;

    KafkaServer(DevInfra.Settings settings) {
        this.settings = settings;
        this.home = settings.workDir().resolve("kafka");
    }

    Path configFile() {
        return home.resolve("conf").resolve("server.properties");
    }

    private Path log4jFile() {
        return home.resolve("conf").resolve("log4j2.xml");
    }

    Path dataDir() {
        return home.resolve("data");
    }

    /** Storage is formatted once; the kept data of earlier runs already carries a cluster id. */
    boolean isFormatted() {
        return Files.exists(dataDir().resolve("meta.properties"));
    }

    /** Creates the data directory (kept between runs) and rewrites the configuration files. */
    void writeConfig() {
        try {
            Files.createDirectories(dataDir());
            Files.createDirectories(configFile().getParent());
            Files.writeString(configFile(), serverProperties().entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + entry.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
            Files.writeString(log4jFile(), LOG4J2_XML);
        } catch (IOException e) {
            throw new InfraException("Cannot write the Kafka configuration under " + home + ": " + e.getMessage(), e);
        }
    }

    @Override
    void start(Instant deadline) {
        writeConfig();
        if (!isFormatted()) {
            format(deadline);
        }
        ChildJvm jvm = launch(settings.workDir(), spec("Kafka", "kafka", serverJvmOptions(),
                MAIN_CLASS, List.of(configFile().toString())));
        log.info("Starting Kafka on {} (pid {}, log {})", bootstrapServers(), jvm.pid(), jvm.logFile());
        jvm.awaitReady(deadline, this::answersAdminRequests);
        log.info("Kafka ready on {} in {} s", bootstrapServers(), ChildJvm.seconds(jvm.elapsed()));
    }

    String bootstrapServers() {
        return settings.host() + ":" + settings.kafkaPort();
    }

    private void format(Instant deadline) {
        String clusterId = Uuid.randomUuid().toString();
        ChildJvm tool = launch(settings.workDir(), spec("Kafka storage format", "kafka-format",
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Dlog4j2.configurationFile=" + log4jFile()),
                STORAGE_TOOL, List.of("format", "-t", clusterId, "-c", configFile().toString())));
        int exitCode = tool.awaitExit(deadline);
        if (exitCode != 0) {
            throw tool.failure("Kafka storage format exited with code " + exitCode);
        }
        log.info("Formatted Kafka storage in {} (cluster id {})", dataDir(), clusterId);
    }

    private void answersAdminRequests() throws Exception {
        // A cheap check first: the admin client logs every refused connection at WARN.
        Ports.connect(settings.host(), settings.kafkaPort(), Duration.ofSeconds(1));
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tickcast-dev-infra-readiness");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(config)) {
            if (admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                throw new IllegalStateException("no broker registered yet");
            }
        }
    }

    private ChildJvm.Spec spec(String title, String logName, List<String> jvmOptions, String mainClass, List<String> args) {
        return new ChildJvm.Spec(title, logName, List.of(settings.kafkaLib() + File.separator + "*"),
                jvmOptions, mainClass, args);
    }

    private List<String> serverJvmOptions() {
        return List.of(
                "-Xmx" + settings.kafkaHeap(),
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                // C1 only, as for Cassandra: sharing two cores with Cassandra and the node, the
                // broker spent half of its CPU in C2's compiler threads a minute into bench-ingest's
                // node phase (thread CPU from /proc), compiling the consumer-group and commit paths
                // that the plain consumers before it had not used.
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Djava.net.preferIPv4Stack=true",
                "-Dlog4j2.configurationFile=" + log4jFile());
    }

    Map<String, String> serverProperties() {
        String host = settings.host();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@" + host + ":" + settings.kafkaControllerPort());
        properties.put("listeners", "PLAINTEXT://" + host + ":" + settings.kafkaPort()
                + ",CONTROLLER://" + host + ":" + settings.kafkaControllerPort());
        properties.put("advertised.listeners", "PLAINTEXT://" + host + ":" + settings.kafkaPort());
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        properties.put("log.dirs", dataDir().toString());
        // One broker: every internal topic must live with a single replica.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers in tests and in dev join one at a time; waiting for more only delays them.
        properties.put("group.initial.rebalance.delay.ms", "0");
        return properties;
    }

    /** Kafka logs to stdout (workDir/logs/kafka.log): warnings, plus the start-up and shutdown lines. */
    private static final String LOG4J2_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="warn" shutdownHook="disable">
              <Appenders>
                <Console name="stdout" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{ISO8601} %-5p [%t] %c{1} - %m%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="kafka.server.KafkaRaftServer" level="info"/>
                <Logger name="kafka.server.SharedServer" level="info"/>
                <Root level="warn"><AppenderRef ref="stdout"/></Root>
              </Loggers>
            </Configuration>
            """;
}
