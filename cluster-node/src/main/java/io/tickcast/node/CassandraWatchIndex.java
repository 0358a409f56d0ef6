package io.tickcast.node;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Which tickers hold each owner's watches ({@code watches_by_owner}, one partition per owner), so
 * that listing an owner's watches asks a handful of entities instead of every ticker. Only an
 * index: the entities hold the watches. Writes are idempotent upserts and deletes at LOCAL_QUORUM.
 */
final class CassandraWatchIndex {

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement delete;
  private final PreparedStatement tickers;

  private CassandraWatchIndex(CqlSession session, PreparedStatement insert, PreparedStatement delete, PreparedStatement tickers) {
    this.session = session;
    this.insert = insert;
    this.delete = delete;
    this.tickers = tickers;
  }

  static CompletionStage<CassandraWatchIndex> prepare(CqlSession session, String keyspace) {
    String table = CqlIdentifier.fromInternal(keyspace).asCql(true) + ".watches_by_owner";
    CompletableFuture<PreparedStatement> insert =
        session.prepareAsync("INSERT INTO " + table + " (owner, watch_id, ticker) VALUES (?, ?, ?)").toCompletableFuture();
    CompletableFuture<PreparedStatement> delete =
        session.prepareAsync("DELETE FROM " + table + " WHERE owner = ? AND watch_id = ?").toCompletableFuture();
    CompletableFuture<PreparedStatement> tickers =
        session.prepareAsync("SELECT ticker FROM " + table + " WHERE owner = ?").toCompletableFuture();
    return CompletableFuture.allOf(insert, delete, tickers)
        .thenApply(done -> new CassandraWatchIndex(session, insert.join(), delete.join(), tickers.join()));
  }

  CompletionStage<Done> add(String owner, String watchId, String ticker) {
    return session
        .executeAsync(insert.bind(owner, watchId, ticker).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenApply(rows -> Done.done());
  }

  CompletionStage<Done> remove(String owner, String watchId) {
    return session
        .executeAsync(delete.bind(owner, watchId).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenApply(rows -> Done.done());
  }

  /** The tickers of {@code owner}'s watches, sorted. */
  CompletionStage<Set<String>> tickers(String owner) {
    return session
        .executeAsync(tickers.bind(owner).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenCompose(page -> collect(page, new TreeSet<>()));
  }

  private static CompletionStage<Set<String>> collect(AsyncResultSet page, Set<String> into) {
    for (Row row : page.currentPage()) {
      into.add(row.getString("ticker"));
    }
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> collect(next, into))
        : CompletableFuture.completedFuture(into);
  }
}
