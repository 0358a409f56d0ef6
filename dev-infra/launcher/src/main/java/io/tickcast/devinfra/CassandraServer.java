package io.tickcast.devinfra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Apache Cassandra 5.0, single node, data under {@code workDir/cassandra}. */
final class CassandraServer extends ChildServer {

    private static final Logger log = LoggerFactory.getLogger(CassandraServer.class);

    private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    /** The one data center SimpleSnitch reports. */
    static final String DATACENTER = "datacenter1";
    private static final List<String> DATA_DIRS = List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw");

    /** Module access Cassandra needs on JDK 17, as in its conf/jvm17-server.options. */
    private static final List<String> JDK17_OPTIONS = jdk17Options(
            List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                    "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql",
                    "java.base/java.lang.ref", "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file",
                    "jdk.attach/sun.tools.attach"),
            List.of("java.base/java.lang.module", "java.base/jdk.internal.loader", "java.base/jdk.internal.ref",
                    "java.base/jdk.internal.reflect", "java.base/jdk.internal.math", "java.base/jdk.internal.module",
                    "java.base/jdk.internal.util.jar", "jdk.management/com.sun.management.internal",
                    "java.base/sun.nio.ch", "java.base/java.io", "java.base/java.lang.reflect",
                    "jdk.compiler/com.sun.tools.javac", "java.base/java.lang", "java.base/java.util"));

    private final DevInfra.Settings settings;
    private final Path home;

    CassandraServer(DevInfra.Settings settings) {
        this.settings = settings;
        this.home = settings.workDir().resolve("cassandra");
    }

    Path configFile() {
        return home.resolve("conf").resolve("cassandra.yaml");
    }

    private Path logbackFile() {
        return home.resolve("conf").resolve("logback.xml");
    }

    /** Creates the data directories (kept between runs) and rewrites the configuration files. */
    void writeConfig() {
        try {
            for (String dir : DATA_DIRS) {
                Files.createDirectories(home.resolve(dir));
            }
            Files.createDirectories(configFile().getParent());
            Files.writeString(configFile(), cassandraYaml());
            Files.writeString(logbackFile(), LOGBACK_XML);
        } catch (IOException e) {
            throw new InfraException("Cannot write the Cassandra configuration under " + home + ": " + e.getMessage(), e);
        }
    }

    @Override
    void start(Instant deadline) {
        writeConfig();
        ChildJvm jvm = launch(settings.workDir(), new ChildJvm.Spec(
                "Cassandra", "cassandra", List.of(settings.cassandraLib() + File.separator + "*"),
                jvmOptions(), MAIN_CLASS, List.of()));
        log.info("Starting Cassandra on {} (pid {}, log {})", contactPoint(), jvm.pid(), jvm.logFile());
        jvm.awaitReady(deadline, this::answersCql);
        log.info("Cassandra ready on {} in {} s", contactPoint(), ChildJvm.seconds(jvm.elapsed()));
    }

    String contactPoint() {
        return settings.host() + ":" + settings.cassandraPort();
    }

    private void answersCql() throws IOException {
        // A cheap check first: the driver logs every refused connection at WARN.
        Ports.connect(settings.host(), settings.cassandraPort(), Duration.ofSeconds(1));
        try (CqlSession session = CqlSession.builder()
                .withConfigLoader(driverConfig())
                .addContactPoint(new InetSocketAddress(settings.host(), settings.cassandraPort()))
                .withLocalDatacenter(DATACENTER)
                .build()) {
            session.execute("SELECT release_version FROM system.local").one();
        }
    }

    /**
     * Driver defaults only, so that an application.conf on the classpath cannot redirect the probe,
     * minus what makes a one-query session slow: schema and token metadata, the native clock (its
     * JNR binding takes seconds to load) and Netty's 2 s quiet period on close.
     */
    private static DriverConfigLoader driverConfig() {
        OptionsMap options = OptionsMap.driverDefaults();
        options.put(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5));
        options.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5));
        options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10));
        options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
        options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
        options.put(TypedDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK, true);
        options.put(TypedDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0);
        options.put(TypedDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
        return DriverConfigLoader.fromMap(options);
    }

    private List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of(
                "-Xmx" + settings.cassandraHeap(),
                "-Xss256k",
                "-XX:+UseG1GC",
                // C1 only: a lightly loaded Cassandra sharing two cores with Kafka and the node
                // spent 40-45 % of its CPU in C2's compiler threads, run after run (async-profiler,
                // bench-ingest); C1's code is fast enough for one development node, and its CPU
                // per bench-ingest copy fell from 1.5-2.6 s to 1.0-1.9 s (5.0-7.2 s to 2.6-3.6 s cold).
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.net.preferIPv4Stack=true",
                "-Djdk.attach.allowAttachSelf=true",
                "-Dio.netty.tryReflectionSetAccessible=true",
                // Without it Cassandra closes stdout and stderr, which hold its log here.
                "-Dcassandra-foreground=yes",
                "-Dcassandra.config=" + configFile().toUri(),
                "-Dcassandra.storagedir=" + home,
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dlogback.configurationFile=" + logbackFile()));
        options.addAll(JDK17_OPTIONS);
        return options;
    }

    String cassandraYaml() {
        int storagePort = settings.cassandraStoragePort();
        StringBuilder yaml = new StringBuilder()
                .append("cluster_name: tickcast-dev\n")
                .append("num_tokens: 1\n")
                .append("partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n")
                .append("endpoint_snitch: SimpleSnitch\n")
                .append("seed_provider:\n")
                .append("  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n")
                .append("    parameters:\n")
                .append("      - seeds: \"").append(settings.host()).append(':').append(storagePort).append("\"\n")
                .append("listen_address: ").append(settings.host()).append('\n')
                .append("rpc_address: ").append(settings.host()).append('\n')
                .append("storage_port: ").append(storagePort).append('\n')
                .append("native_transport_port: ").append(settings.cassandraPort()).append('\n')
                .append("start_native_transport: true\n")
                .append("commitlog_sync: periodic\n")
                .append("commitlog_sync_period: 10000ms\n")
                .append("data_file_directories:\n")
                .append("  - ").append(quoted(home.resolve("data"))).append('\n')
                .append("commitlog_directory: ").append(quoted(home.resolve("commitlog"))).append('\n')
                .append("saved_caches_directory: ").append(quoted(home.resolve("saved_caches"))).append('\n')
                .append("hints_directory: ").append(quoted(home.resolve("hints"))).append('\n')
                .append("cdc_raw_directory: ").append(quoted(home.resolve("cdc_raw"))).append('\n')
                // One node on two cores: fewer threads, no hints (there is no other replica), and no
                // snapshots on TRUNCATE / DROP, which tests issue often.
                .append("concurrent_reads: 8\n")
                .append("concurrent_writes: 8\n")
                .append("concurrent_counter_writes: 4\n")
                .append("concurrent_compactors: 1\n")
                .append("hinted_handoff_enabled: false\n")
                .append("auto_snapshot: false\n");
        return yaml.toString();
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    private static List<String> jdk17Options(List<String> exports, List<String> opens) {
        List<String> options = new ArrayList<>();
        exports.forEach(module -> options.add("--add-exports=" + module + "=ALL-UNNAMED"));
        opens.forEach(module -> options.add("--add-opens=" + module + "=ALL-UNNAMED"));
        return List.copyOf(options);
    }

    /** Cassandra logs to stdout, which {@link ChildJvm} sends to workDir/logs/cassandra.log. */
    private static final String LOGBACK_XML = """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{1} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;
}
