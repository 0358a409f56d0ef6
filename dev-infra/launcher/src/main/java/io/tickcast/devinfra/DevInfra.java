package io.tickcast.devinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra and a real Apache Kafka broker, each in its own child JVM on one host,
 * for development and integration tests. Data and logs live under {@link Settings#workDir()} and
 * are kept between runs. The child JVMs die with this JVM, even when it is killed with SIGKILL.
 */
public final class DevInfra implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevInfra.class);

    /** What {@link #deleteWorkDir} may delete: the entries {@link #start} creates. */
    private static final Set<String> WORK_DIR_ENTRIES = Set.of("cassandra", "kafka", "logs", "watchdog");

    /**
     * Where and how to run the servers. Cassandra's internode port is not set here: it is the CQL
     * port + 1 ({@link #cassandraStoragePort()}), so instances with different CQL ports never clash.
     */
    public record Settings(Path workDir, String host, int cassandraPort, int kafkaPort, int kafkaControllerPort,
                           Path cassandraLib, Path kafkaLib, String cassandraHeap, String kafkaHeap,
                           Duration startTimeout) {

        public Settings {
            // Absolute: the servers run with workDir as their current directory.
            workDir = workDir.toAbsolutePath().normalize();
            cassandraLib = cassandraLib.toAbsolutePath().normalize();
            kafkaLib = kafkaLib.toAbsolutePath().normalize();
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(cassandraHeap, "cassandraHeap");
            Objects.requireNonNull(kafkaHeap, "kafkaHeap");
            Objects.requireNonNull(startTimeout, "startTimeout");
        }

        /**
         * Defaults: host 127.0.0.1, Cassandra CQL 19042, Kafka 19092, controller 19093, heaps
         * "768m"/"512m", timeout 120 s, libs under projectRoot/dev-infra/{cassandra,kafka}-dist/target/lib.
         */
        public static Settings defaults(Path projectRoot, Path workDir) {
            Path devInfra = projectRoot.resolve("dev-infra");
            return new Settings(workDir, "127.0.0.1", 19042, 19092, 19093,
                    devInfra.resolve("cassandra-dist/target/lib"), devInfra.resolve("kafka-dist/target/lib"),
                    "768m", "512m", Duration.ofSeconds(120));
        }

        public Settings withPorts(int cassandraPort, int kafkaPort, int kafkaControllerPort) {
            return new Settings(workDir, host, cassandraPort, kafkaPort, kafkaControllerPort,
                    cassandraLib, kafkaLib, cassandraHeap, kafkaHeap, startTimeout);
        }

        /** Cassandra's internode (storage) port, CQL port + 1; bound on {@link #host()} only. */
        public int cassandraStoragePort() {
            return cassandraPort + 1;
        }
    }

    private final Settings settings;
    private final CassandraServer cassandra;
    private final KafkaServer kafka;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> beforeServersStop = new CopyOnWriteArrayList<>();

    DevInfra(Settings settings) {
        this.settings = settings;
        this.cassandra = new CassandraServer(settings);
        this.kafka = new KafkaServer(settings);
        this.shutdownHook = new Thread(this::onJvmExit, "dev-infra-shutdown");
    }

    /**
     * Starts both servers concurrently and returns once both answer requests. On failure stops
     * whatever it started and throws {@link InfraException} ending with the failing server's log
     * tail; a taken port gives {@link PortInUseException} before anything starts.
     */
    public static DevInfra start(Settings settings) {
        requireServerClasspath("Cassandra", settings.cassandraLib());
        requireServerClasspath("Kafka", settings.kafkaLib());
        requireFreePorts(settings);

        DevInfra infra = new DevInfra(settings);
        Runtime.getRuntime().addShutdownHook(infra.shutdownHook);
        Instant deadline = Instant.now().plus(settings.startTimeout());
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        CompletableFuture<?>[] starts = Stream.of(infra.cassandra, infra.kafka)
                .map(server -> CompletableFuture.runAsync(() -> server.start(deadline), DevInfra::runInNewThread)
                        .whenComplete((ignored, failure) -> {
                            // Stop the other server at once instead of waiting for it to become ready.
                            if (failure != null && firstFailure.compareAndSet(null, unwrap(failure))) {
                                infra.close();
                            }
                        }))
                .toArray(CompletableFuture<?>[]::new);
        CompletableFuture.allOf(starts).exceptionally(failure -> null).join();

        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw failure instanceof InfraException infraFailure
                    ? infraFailure
                    : new InfraException("Dev infrastructure failed to start: " + failure, failure);
        }
        return infra;
    }

    /** CQL contact point, e.g. {@code 127.0.0.1:19042}. */
    public String cassandraContactPoint() {
        return cassandra.contactPoint();
    }

    /** Kafka {@code bootstrap.servers}, e.g. {@code 127.0.0.1:19092}. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Has the JVM's exit (Ctrl-C, SIGTERM) run {@code action} before it stops the servers, e.g.
     * stopping a node that writes to them; actions run in the order given. The JVM starts all of
     * its shutdown hooks at once, so the action in a hook of its own would race this one: a node
     * then met Cassandra and Kafka gone while it shut down (failed journal writes, and a Kafka
     * producer's close waiting for a broker that was no more, two minutes).
     */
    public void beforeServersStopOnExit(Runnable action) {
        beforeServersStop.add(action);
    }

    void onJvmExit() {
        for (Runnable action : beforeServersStop) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("Shutdown step before stopping the servers failed; stopping them anyway", e);
            }
        }
        stopServers();
    }

    /** Stops both servers (SIGTERM, SIGKILL after 20 s); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running already and stops the servers too; stopping twice is harmless.
        }
        stopServers();
    }

    /**
     * Like {@link #deleteWorkDir(Path)}, but first throws {@link PortInUseException} while a port of
     * these settings is taken: the servers may be running on this very data.
     */
    public static void deleteWorkDir(Settings settings) {
        requireFreePorts(settings);
        deleteWorkDir(settings.workDir());
    }

    /**
     * Deletes a work directory used by {@link #start}, for a fresh start. Refuses a directory that
     * holds anything else, so a mistyped path cannot wipe unrelated files.
     */
    public static void deleteWorkDir(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(workDir)) {
            Set<String> names = new HashSet<>();
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
            names.removeAll(WORK_DIR_ENTRIES);
            if (!names.isEmpty()) {
                throw new InfraException("Refusing to delete " + workDir + ": it holds more than dev infrastructure data "
                        + names.stream().sorted().toList());
            }
            try (Stream<Path> tree = Files.walk(workDir)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        } catch (IOException e) {
            throw new InfraException("Cannot delete " + workDir + ": " + e.getMessage(), e);
        }
    }

    private void stopServers() {
        long startNanos = System.nanoTime();
        CompletableFuture<Void> cassandraStopped = CompletableFuture.runAsync(cassandra::stop, DevInfra::runInNewThread);
        kafka.stop();
        cassandraStopped.join();
        log.info("Cassandra and Kafka stopped in {} s", ChildJvm.seconds(Duration.ofNanos(System.nanoTime() - startNanos)));
    }

    private static void requireServerClasspath(String server, Path lib) {
        boolean populated;
        try (Stream<Path> entries = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
            populated = entries.findAny().isPresent();
        } catch (IOException e) {
            populated = false;
        }
        if (!populated) {
            throw new InfraException("The " + server + " server classpath " + lib + " is missing or empty; "
                    + "build it first: run `mvn -q package -DskipTests` in the project root");
        }
    }

    private static void requireFreePorts(Settings settings) {
        List<Integer> ports = List.of(settings.cassandraPort(), settings.cassandraStoragePort(),
                settings.kafkaPort(), settings.kafkaControllerPort());
        if (Set.copyOf(ports).size() < ports.size()) {
            throw new InfraException("The ports must all differ: Cassandra CQL " + ports.get(0)
                    + ", Cassandra storage (CQL + 1) " + ports.get(1) + ", Kafka " + ports.get(2)
                    + ", Kafka controller " + ports.get(3));
        }
        String host = settings.host();
        Ports.requireFree(host, settings.cassandraPort(), "Cassandra CQL", "--cassandra-port");
        Ports.requireFree(host, settings.cassandraStoragePort(), "Cassandra storage, CQL port + 1", "--cassandra-port");
        Ports.requireFree(host, settings.kafkaPort(), "Kafka", "--kafka-port");
        Ports.requireFree(host, settings.kafkaControllerPort(), "Kafka controller", "--kafka-controller-port");
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Each server starts on its own thread: the common pool has a single thread on two cores. */
    private static void runInNewThread(Runnable task) {
        Thread thread = new Thread(task, "dev-infra");
        thread.setDaemon(true);
        thread.start();
    }
}
