package io.tickcast.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Creates Tickcast's keyspace and tables from {@code cql/tickcast-schema.cql}. Idempotent
 * ({@code IF NOT EXISTS}), but run it from ONE place per cluster: the dev launcher, the tests, or
 * the Kubernetes schema job.
 */
public final class CassandraSchema {

  public static final String DEFAULT_KEYSPACE = "tickcast";
  /** Single-node default; production passes a NetworkTopologyStrategy map. */
  public static final String DEV_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  private CassandraSchema() {}

  public static List<String> statements(String keyspace, String replication) {
    String script =
        withoutComments(readScript())
            .replace("${keyspace}", requireKeyspaceName(keyspace))
            .replace("${replication}", replication);
    return Arrays.stream(script.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Applies the schema and waits until the cluster agrees on it. */
  public static void apply(CqlSession session, String keyspace, String replication) {
    for (String statement : statements(keyspace, replication)) {
      session.execute(
          com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(statement)
              .setTimeout(Duration.ofSeconds(30)));
    }
    session.checkSchemaAgreement();
  }

  /** {@code keyspace}, if it is a plain keyspace name: it is spliced into CQL text. */
  static String requireKeyspaceName(String keyspace) {
    if (!keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
      throw new IllegalArgumentException("not a Cassandra keyspace name: " + keyspace);
    }
    return keyspace;
  }

  private static String withoutComments(String script) {
    return script.lines().filter(line -> !line.strip().startsWith("--")).collect(Collectors.joining("\n"));
  }

  private static String readScript() {
    try (InputStream in = CassandraSchema.class.getResourceAsStream("/cql/tickcast-schema.cql")) {
      if (in == null) {
        throw new IllegalStateException("cql/tickcast-schema.cql missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
