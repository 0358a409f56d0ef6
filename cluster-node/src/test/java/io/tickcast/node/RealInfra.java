package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tickcast.devinfra.DevInfra;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Role;
import io.tickcast.persistence.CassandraSchema;
import java.net.URI;
import java.net.http.HttpRequest;
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
    // Its own folder and ports can be chosen, so two test runs on one machine stay apart.
    Path workDir = root.resolve(System.getProperty("it.infra.dir", "cluster-node/target/it-infra"));
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

  /** An admin API key, registered in every keyspace made by {@link #createKeyspace}. */
  public static final ApiKeys.NewKey ADMIN_KEY = ApiKeys.generate();

  /** A fresh keyspace with Tickcast's schema and {@link #ADMIN_KEY}, for one test class. */
  public static void createKeyspace(String keyspace) {
    SchemaCommand.apply(infra.cassandraContactPoint(), "datacenter1", keyspace, CassandraSchema.DEV_REPLICATION);
    try (CqlSession session = CassandraSessions.open(infra.cassandraContactPoint(), "datacenter1", false)) {
      new CassandraApiKeyStore(session, keyspace).register(ADMIN_KEY, Role.ADMIN, "integration-tests");
    }
  }

  /** A request carrying {@link #ADMIN_KEY}. */
  public static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN_KEY.secret());
  }
}
