package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.tickcast.persistence.CassandraSchema;
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
    String target = CassandraSessions.contactPoint(config, contactPoint);
    String keyspace = config.getString("tickcast.cassandra.keyspace");
    apply(target, config.getString("tickcast.cassandra.datacenter"), keyspace, replication);
    System.out.println("Schema of keyspace " + keyspace + " is in place on " + target);
    return 0;
  }

  static void apply(String contactPoint, String datacenter, String keyspace, String replication) {
    try (CqlSession session = CassandraSessions.open(contactPoint, datacenter, true)) {
      CassandraSchema.apply(session, keyspace, replication);
    }
  }
}
