package io.tickcast.node;

import io.tickcast.devinfra.DevInfra;
import io.tickcast.persistence.CassandraSchema;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Cassandra and Kafka of the integration tests: started once per test JVM (so once per
 * {@code mvn verify}) on ports of their own, fresh under {@code target/it-infra}, and stopped when
 * the JVM's test run ends. Each test class works in its own keyspace, topic and consumer group.
 */
public final class RealInfra implements BeforeAllCallback {

  private static DevInfra infra;

  @Override
  public void beforeAll(ExtensionContext context) {
    start(context);
  }

  private static synchronized void start(ExtensionContext context) {
    if (infra != null) {
      return;
    }
    Path root = Path.of(System.getProperty("tickcast.home", "..")).toAbsolutePath().normalize();
    Path workDir = root.resolve("cluster-node/target/it-infra");
    DevInfra.deleteWorkDir(workDir);
    infra =
        DevInfra.start(
            DevInfra.Settings.defaults(root, workDir)
                .withPorts(
                    Integer.getInteger("it.cassandra.port", 19142),
                    Integer.getInteger("it.kafka.port", 19192),
                    Integer.getInteger("it.kafka.controller.port", 19193)));
    // Closed by JUnit when the whole test plan is done, not after the first class.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(RealInfra.class, infra);
  }

  public static DevInfra infra() {
    return infra;
  }

  /** A fresh keyspace with Tickcast's schema, for one test class. */
  public static void createKeyspace(String keyspace) {
    SchemaCommand.apply(infra.cassandraContactPoint(), "datacenter1", keyspace, CassandraSchema.DEV_REPLICATION);
  }
}
