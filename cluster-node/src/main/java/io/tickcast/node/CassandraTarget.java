package io.tickcast.node;

import com.typesafe.config.Config;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Cassandra a CLI command works on ({@code --cassandra}, {@code --keyspace}), defaulting to
 * the node's configuration; a picocli mixin shared by the commands that read or write tables.
 */
final class CassandraTarget {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Option(
      names = "--cassandra",
      paramLabel = "host:port",
      description = "host:port (default: tickcast.cassandra.contact-point / $TICKCAST_CASSANDRA).")
  String contactPoint;

  @Option(names = "--keyspace", description = "Keyspace (default: tickcast.cassandra.keyspace / $TICKCAST_KEYSPACE).")
  String keyspace;

  /** Where to connect, options first, then the configuration. */
  record Resolved(String contactPoint, String datacenter, String keyspace) {}

  Resolved resolve() {
    Config config = NodeConfig.load(Map.of());
    return new Resolved(
        CassandraSessions.contactPoint(config, contactPoint),
        config.getString("tickcast.cassandra.datacenter"),
        keyspace != null ? keyspace : config.getString("tickcast.cassandra.keyspace"));
  }

  /** An instant as the CLI's tables show it; "-" for none. */
  static String time(Instant t) {
    return t == null ? "-" : TIME.format(t);
  }
}
