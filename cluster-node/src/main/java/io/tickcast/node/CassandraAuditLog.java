package io.tickcast.node;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.AuditLog;
import io.tickcast.http.security.Role;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The audit log in the {@code audit_log} table: one partition per UTC day, newest first. Mutations
 * are rare (operators, not market data), so a day's partition stays small.
 */
public final class CassandraAuditLog implements AuditLog {

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement day;

  /** Prepares the statements (blocking): build it off the driver's own threads. */
  public CassandraAuditLog(CqlSession session, String keyspace) {
    String table = CqlIdentifier.fromInternal(keyspace).asCql(true) + ".audit_log";
    this.session = session;
    this.insert =
        session.prepare(
            "INSERT INTO " + table + " (day, id, at, key_id, owner, role, method, path, status, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.day =
        session.prepare("SELECT at, key_id, owner, role, method, path, status, detail FROM " + table + " WHERE day = ? LIMIT ?");
  }

  @Override
  public CompletionStage<Done> append(AuditEntry e) {
    return session
        .executeAsync(
            insert
                .bind(
                    LocalDate.ofInstant(e.at(), ZoneOffset.UTC),
                    // Unique even for entries of the same millisecond; "at" keeps the exact time.
                    Uuids.timeBased(),
                    e.at(),
                    e.keyId(),
                    e.owner(),
                    e.role().id(),
                    e.method(),
                    e.path(),
                    e.status(),
                    e.detail())
                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenApply(rows -> Done.done());
  }

  /** Up to {@code limit} entries of the UTC day {@code date}, newest first. */
  public CompletionStage<List<AuditEntry>> day(LocalDate date, int limit) {
    List<AuditEntry> entries = new ArrayList<>();
    return session
        .executeAsync(day.bind(date, limit).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenCompose(page -> collect(page, entries));
  }

  private static CompletionStage<List<AuditEntry>> collect(AsyncResultSet page, List<AuditEntry> into) {
    for (Row row : page.currentPage()) {
      into.add(
          new AuditEntry(
              row.getInstant("at"),
              row.getString("key_id"),
              row.getString("owner"),
              Role.parse(row.getString("role")),
              row.getString("method"),
              row.getString("path"),
              row.getInt("status"),
              row.getString("detail")));
    }
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> collect(next, into))
        : CompletableFuture.completedFuture(into);
  }
}
