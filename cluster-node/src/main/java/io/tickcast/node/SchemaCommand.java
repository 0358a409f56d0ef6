package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.tickcast.persistence.CassandraSchema;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Create Tickcast's Cassandra keyspace and tables (once per cluster; idempotent).")
final class SchemaCommand implements Callable<Integer> {

  @Option(names = "--cassandra", description = "host:port (default: tickcast.cassandra.contact-point / $TICKCAST_CASSANDRA).")
  String contactPoint;

  @Option(
      names = "--replication",
      description = "CQL replication map. Default: ${DEFAULT-VALUE}",
      defaultValue = CassandraSchema.DEV_REPLICATION)
  String replication;

  @Override
  public Integer call() {
    Config config = NodeConfig.load(Map.of());
    String target = contactPoint != null ? contactPoint : config.getString("tickcast.cassandra.contact-point");
    String keyspace = config.getString("tickcast.cassandra.keyspace");
    apply(target, config.getString("tickcast.cassandra.datacenter"), keyspace, replication);
    System.out.println("Schema of keyspace " + keyspace + " is in place on " + target);
    return 0;
  }

  static void apply(String contactPoint, String datacenter, String keyspace, String replication) {
    // Programmatic options override the datastax-java-driver block of application.conf.
    DriverConfigLoader loader =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(DefaultDriverOption.CONTACT_POINTS, List.of(contactPoint))
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, datacenter)
            .build();
    try (CqlSession session = CqlSession.builder().withConfigLoader(loader).build()) {
      CassandraSchema.apply(session, keyspace, replication);
    }
  }
}
