package io.tickcast.devinfra;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Cassandra and Kafka until Ctrl-C:
 * {@code DevInfraMain --work-dir DIR --project-root DIR [--cassandra-port N] [--kafka-port N]
 * [--kafka-controller-port N] [--fresh]}. {@code --fresh} deletes the work directory first.
 */
public final class DevInfraMain {

    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private static final String USAGE = "usage: DevInfraMain --work-dir DIR --project-root DIR [--cassandra-port N]"
            + " [--kafka-port N] [--kafka-controller-port N] [--fresh]";

    /** The parsed command line. */
    record Options(DevInfra.Settings settings, boolean fresh) {

        static Options parse(String... args) {
            Path workDir = null;
            Path projectRoot = null;
            Integer cassandraPort = null;
            Integer kafkaPort = null;
            Integer controllerPort = null;
            boolean fresh = false;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--work-dir" -> workDir = Path.of(value(args, ++i, option));
                    case "--project-root" -> projectRoot = Path.of(value(args, ++i, option));
                    case "--cassandra-port" -> cassandraPort = port(value(args, ++i, option), option);
                    case "--kafka-port" -> kafkaPort = port(value(args, ++i, option), option);
                    case "--kafka-controller-port" -> controllerPort = port(value(args, ++i, option), option);
                    case "--fresh" -> fresh = true;
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (workDir == null || projectRoot == null) {
                throw new IllegalArgumentException("--work-dir and --project-root are required");
            }
            DevInfra.Settings defaults = DevInfra.Settings.defaults(projectRoot, workDir);
            return new Options(defaults.withPorts(
                    cassandraPort != null ? cassandraPort : defaults.cassandraPort(),
                    kafkaPort != null ? kafkaPort : defaults.kafkaPort(),
                    controllerPort != null ? controllerPort : defaults.kafkaControllerPort()), fresh);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static int port(String value, String option) {
            try {
                int port = Integer.parseInt(value);
                if (port > 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " needs a port number, not " + value);
        }
    }

    private DevInfraMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Shows the servers' readiness lines when run on its own; -Dlogback.configurationFile wins.
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "io/tickcast/devinfra/dev-infra-main-logback.xml");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(64);
            return;
        }
        DevInfra infra;
        try {
            if (options.fresh()) {
                DevInfra.deleteWorkDir(options.settings());
            }
            infra = DevInfra.start(options.settings());
        } catch (PortInUseException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (InfraException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("Cassandra CQL:   " + infra.cassandraContactPoint());
        System.out.println("Kafka bootstrap: " + infra.kafkaBootstrapServers());
        System.out.println("Press Ctrl-C to stop.");
        // The shutdown hook registered by DevInfra.start stops both servers on Ctrl-C.
        new CountDownLatch(1).await();
    }
}
