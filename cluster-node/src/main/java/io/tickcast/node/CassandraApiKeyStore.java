package io.tickcast.node;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tickcast.http.security.ApiKeyStore;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * API keys in the {@code api_keys} table, keyed by the SHA-256 of the key: the key itself is never
 * stored. Revocation sets {@code revoked_at}; rows are kept, so {@code keys list} shows the history.
 *
 * <p>{@link #lookup} (the request path) is asynchronous; the other methods block and are for the
 * CLI and the dev launcher. Lookups and revocations use LOCAL_QUORUM, so a revocation is seen by
 * every node's next read whatever the replication factor; nodes cache lookups for
 * {@code tickcast.security.cache-ttl}.
 */
public final class CassandraApiKeyStore implements ApiKeyStore {

  /** A key as {@code keys list} shows it: never the key or its hash. */
  public record KeyInfo(String keyId, String owner, Role role, Instant createdAt, Optional<Instant> revokedAt) {}

  private final CqlSession session;
  private final PreparedStatement byHash;
  private final PreparedStatement insert;
  private final PreparedStatement all;
  private final PreparedStatement revoke;

  /** Prepares the statements (blocking): build it off the driver's own threads. */
  public CassandraApiKeyStore(CqlSession session, String keyspace) {
    String table = CqlIdentifier.fromInternal(keyspace).asCql(true) + ".api_keys";
    this.session = session;
    this.byHash =
        session.prepare("SELECT key_id, owner, role, created_at, revoked_at FROM " + table + " WHERE key_hash = ?");
    this.insert =
        session.prepare("INSERT INTO " + table + " (key_hash, key_id, owner, role, created_at) VALUES (?, ?, ?, ?, ?)");
    this.all = session.prepare("SELECT key_hash, key_id, owner, role, created_at, revoked_at FROM " + table);
    this.revoke = session.prepare("UPDATE " + table + " SET revoked_at = ? WHERE key_hash = ?");
  }

  @Override
  public CompletionStage<Optional<Principal>> lookup(String keyHash) {
    return session
        .executeAsync(byHash.bind(keyHash).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
        .thenApply(rows -> Optional.ofNullable(rows.one()).map(CassandraApiKeyStore::info))
        .thenApply(info -> info.filter(k -> k.revokedAt().isEmpty()).map(k -> new Principal(k.keyId(), k.owner(), k.role())));
  }

  /** A new key for {@code owner}; its secret exists only in the returned value. */
  public ApiKeys.NewKey create(Role role, String owner) {
    ApiKeys.NewKey key = ApiKeys.generate();
    register(key, role, owner);
    return key;
  }

  /** Stores {@code key} (its hash); {@link #create} unless the secret already exists elsewhere. */
  public void register(ApiKeys.NewKey key, Role role, String owner) {
    session.execute(
        insert
            .bind(key.hash(), key.keyId(), owner, role.id(), Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
  }

  /** The key with this hash, revoked or not. */
  public Optional<KeyInfo> find(String keyHash) {
    return Optional.ofNullable(
            session.execute(byHash.bind(keyHash).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).one())
        .map(CassandraApiKeyStore::info);
  }

  /**
   * Every key, oldest first. A full scan: the table holds one row per key ever issued, a few
   * dozen, and only the CLI reads it this way.
   */
  public List<KeyInfo> list() {
    List<KeyInfo> keys = new ArrayList<>();
    for (Row row : session.execute(all.bind().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))) {
      keys.add(info(row));
    }
    keys.sort(Comparator.comparing(KeyInfo::createdAt));
    return keys;
  }

  /**
   * Revokes the key with id {@code keyId}. Returns when it was revoked (earlier, if it already
   * was); empty when there is no such key.
   */
  public Optional<Instant> revoke(String keyId) {
    // Found by scanning (see list): the table is keyed by hash, which the CLI does not know.
    for (Row row : session.execute(all.bind().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))) {
      if (row.getString("key_id").equals(keyId)) {
        Instant revokedAt = row.getInstant("revoked_at");
        if (revokedAt != null) {
          return Optional.of(revokedAt);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        session.execute(revoke.bind(now, row.getString("key_hash")).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        return Optional.of(now);
      }
    }
    return Optional.empty();
  }

  private static KeyInfo info(Row row) {
    return new KeyInfo(
        row.getString("key_id"),
        row.getString("owner"),
        Role.parse(row.getString("role")),
        row.getInstant("created_at"),
        Optional.ofNullable(row.getInstant("revoked_at")));
  }
}
