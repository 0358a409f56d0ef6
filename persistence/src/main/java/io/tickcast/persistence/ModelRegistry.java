package io.tickcast.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.model.FeatureSchema;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.protocols.Json;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The registry of trained models in Cassandra: every version (metadata and ONNX bytes), the
 * {@code champion} (served) and {@code challenger} (shadowed) alias of each model name, and the
 * append-only history of alias moves.
 *
 * <p>The promotion rule: a version becomes champion only if its metadata says it beat the
 * random-walk baseline on the validation window ({@link ModelMetadata#promotable()}), unless the
 * move is forced, and a forced move is recorded as such. Each move writes the alias row and its
 * history entry in one logged batch, so the two agree; concurrent moves of one alias are
 * last-writer-wins, each in the history.
 *
 * <p>Every method is asynchronous; a mistake the caller can fix fails the stage with a {@link
 * RegistryException} (find it under a {@code CompletionException} with {@link
 * RegistryException#in}).
 */
public final class ModelRegistry {

  /** The reason recorded when {@link #bootstrapDefault} makes the shipped model champion. */
  public static final String BOOTSTRAP_REASON = "bootstrap: shipped default model";
  static final String PROMOTED_REASON = "promoted to champion";

  public enum Alias {
    /** The version served. */
    CHAMPION,
    /** The version evaluated next to the champion. */
    CHALLENGER;

    @JsonValue
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Alias parse(String id) {
      for (Alias a : values()) {
        if (a.id().equals(id)) {
          return a;
        }
      }
      throw new RegistryException(Code.UNKNOWN_ALIAS, "no alias '" + id + "': use champion or challenger");
    }
  }

  /** What went wrong, stable for scripts and HTTP problem types. */
  public enum Code {
    UNKNOWN_MODEL,
    UNKNOWN_VERSION,
    UNKNOWN_ALIAS,
    INVALID_METADATA,
    VERSION_CONFLICT,
    NOT_PROMOTABLE,
    ALIAS_CONFLICT,
    CHECKSUM_MISMATCH,
    INCOMPATIBLE_SCHEMA;

    /** {@code unknown-model}, {@code not-promotable}, ... */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A refused request, with a one-line message fit for the CLI and an HTTP problem detail. */
  public static final class RegistryException extends RuntimeException {
    private final Code code;

    public RegistryException(Code code, String message) {
      super(message);
      this.code = code;
    }

    public Code code() {
      return code;
    }

    /** The registry error behind {@code failure}, e.g. under the CompletionException of a join. */
    public static Optional<RegistryException> in(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof RegistryException e) {
          return Optional.of(e);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * @param alreadyRegistered the same bytes were registered before under this name and version:
   *     nothing was written, and {@code registeredAt}/{@code registeredBy} are the first
   *     registration's
   */
  public record Registration(
      String name, String version, Instant registeredAt, String registeredBy, boolean alreadyRegistered) {}

  /** Where an alias points now. */
  public record AliasAssignment(
      String name, Alias alias, String version, Instant assignedAt, String assignedBy, String reason, boolean forced) {}

  /** A registered version, without its ONNX bytes. */
  public record VersionInfo(
      ModelMetadata metadata, Instant registeredAt, String registeredBy, List<AliasAssignment> aliases) {
    public VersionInfo {
      aliases = List.copyOf(aliases);
    }
  }

  /**
   * One alias move (a "model switched" event).
   *
   * @param version null where the alias was cleared (its version was promoted to champion)
   * @param forced the promotion rule was overridden
   */
  public record AliasEvent(
      String name,
      Instant at,
      Alias alias,
      String version,
      String previousVersion,
      String by,
      String reason,
      boolean forced) {}

  /**
   * @param champion the champion after the bootstrap: the shipped model's, or the one already set
   * @param championAssigned whether the bootstrap made the shipped model champion
   */
  public record Bootstrap(Registration registration, AliasAssignment champion, boolean championAssigned) {}

  /** The registry's statements; {@code ${keyspace}} is filled in when they are prepared. */
  private enum Cql {
    INSERT_VERSION(
        "INSERT INTO ${keyspace}.model_versions"
            + " (name, version, created, registered_at, registered_by, metadata, sha256, onnx)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS"),
    SELECT_VERSION("SELECT metadata, sha256, onnx FROM ${keyspace}.model_versions WHERE name = ? AND version = ?"),
    SELECT_VERSION_METADATA("SELECT metadata FROM ${keyspace}.model_versions WHERE name = ? AND version = ?"),
    SELECT_ANY_VERSION("SELECT version FROM ${keyspace}.model_versions WHERE name = ? LIMIT 1"),
    SELECT_VERSIONS(
        "SELECT name, version, registered_at, registered_by, metadata FROM ${keyspace}.model_versions WHERE name = ?"),
    SELECT_ALL_VERSIONS("SELECT name, version, registered_at, registered_by, metadata FROM ${keyspace}.model_versions"),
    SELECT_ALIASES("SELECT * FROM ${keyspace}.model_aliases WHERE name = ?"),
    SELECT_ALL_ALIASES("SELECT * FROM ${keyspace}.model_aliases"),
    SELECT_ALIAS("SELECT * FROM ${keyspace}.model_aliases WHERE name = ? AND alias = ?"),
    INSERT_ALIAS(
        "INSERT INTO ${keyspace}.model_aliases (name, alias, version, assigned_at, assigned_by, reason, forced)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)"),
    INSERT_ALIAS_IF_ABSENT(INSERT_ALIAS.template + " IF NOT EXISTS"),
    DELETE_ALIAS("DELETE FROM ${keyspace}.model_aliases WHERE name = ? AND alias = ?"),
    INSERT_HISTORY(
        "INSERT INTO ${keyspace}.model_alias_history"
            + " (name, at, alias, version, previous_version, assigned_by, reason, forced)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    SELECT_HISTORY("SELECT * FROM ${keyspace}.model_alias_history WHERE name = ? LIMIT ?");

    private final String template;

    Cql(String template) {
      this.template = template;
    }
  }

  private final CqlSession session;
  private final Map<Cql, PreparedStatement> statements;

  private ModelRegistry(CqlSession session, Map<Cql, PreparedStatement> statements) {
    this.session = session;
    this.statements = statements;
  }

  /** Prepares the registry's statements on {@code session}; the tables must exist ({@link CassandraSchema}). */
  public static CompletionStage<ModelRegistry> prepare(CqlSession session, String keyspace) {
    String ks = CassandraSchema.requireKeyspaceName(keyspace);
    Map<Cql, CompletableFuture<PreparedStatement>> prepared = new EnumMap<>(Cql.class);
    for (Cql cql : Cql.values()) {
      prepared.put(cql, session.prepareAsync(cql.template.replace("${keyspace}", ks)).toCompletableFuture());
    }
    return CompletableFuture.allOf(prepared.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<Cql, PreparedStatement> statements = new EnumMap<>(Cql.class);
              prepared.forEach((cql, statement) -> statements.put(cql, statement.join()));
              return new ModelRegistry(session, statements);
            });
  }

  private CompletionStage<AsyncResultSet> execute(Cql cql, Object... values) {
    return session.executeAsync(bind(cql, values));
  }

  private BoundStatement bind(Cql cql, Object... values) {
    return statements.get(cql).bind(values);
  }

  /**
   * Stores {@code artifact} under its name and version. Registering the same bytes again is a
   * no-op ({@link Registration#alreadyRegistered()}); other bytes under a registered version are
   * refused ({@link Code#VERSION_CONFLICT}).
   */
  public CompletionStage<Registration> register(ModelArtifact artifact, String by) {
    ModelMetadata m = artifact.metadata();
    if (isBlank(m.name()) || isBlank(m.version())) {
      return failed(Code.INVALID_METADATA, "model metadata needs a name and a version");
    }
    // Cassandra keeps milliseconds: a later no-op registration reports the same instant.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return execute(
            Cql.INSERT_VERSION,
            m.name(), m.version(), m.created(), now, by, toJson(m), m.sha256(), ByteBuffer.wrap(artifact.onnx()))
        .thenApply(
            rs -> {
              if (rs.wasApplied()) {
                return new Registration(m.name(), m.version(), now, by, false);
              }
              Row existing = rs.one();
              String sha = existing.getString("sha256");
              if (!m.sha256().equals(sha)) {
                throw new RegistryException(
                    Code.VERSION_CONFLICT,
                    m.name() + " version " + m.version() + " is already registered with SHA-256 " + sha
                        + "; these bytes have " + m.sha256() + ": a different model needs a different version");
              }
              return new Registration(
                  m.name(), m.version(), existing.getInstant("registered_at"), existing.getString("registered_by"), true);
            });
  }

  /** Every version of every model, by name, newest first within a name. */
  public CompletionStage<List<VersionInfo>> versions() {
    return rows(execute(Cql.SELECT_ALL_VERSIONS))
        .thenCombine(rows(execute(Cql.SELECT_ALL_ALIASES)), ModelRegistry::versionInfos);
  }

  /** Every version of model {@code name}, newest first; {@link Code#UNKNOWN_MODEL} if it has none. */
  public CompletionStage<List<VersionInfo>> versions(String name) {
    return rows(execute(Cql.SELECT_VERSIONS, name))
        .thenCombine(rows(execute(Cql.SELECT_ALIASES, name)), ModelRegistry::versionInfos)
        .thenApply(
            infos -> {
              if (infos.isEmpty()) {
                throw unknownModel(name);
              }
              return infos;
            });
  }

  /** Where the aliases of model {@code name} point (champion first); none is empty. */
  public CompletionStage<List<AliasAssignment>> aliases(String name) {
    return rows(execute(Cql.SELECT_ALIASES, name))
        .thenApply(
            rows -> rows.stream().map(ModelRegistry::assignment).sorted(Comparator.comparing(AliasAssignment::alias)).toList())
        .thenCompose(list -> list.isEmpty() ? requireModel(name).thenApply(known -> list) : completed(list));
  }

  /** The latest {@code limit} alias moves of model {@code name}, newest first. */
  public CompletionStage<List<AliasEvent>> history(String name, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("history limit must be positive, not " + limit);
    }
    return rows(execute(Cql.SELECT_HISTORY, name, limit))
        .thenApply(rows -> rows.stream().map(ModelRegistry::historyEvent).toList())
        .thenCompose(list -> list.isEmpty() ? requireModel(name).thenApply(known -> list) : completed(list));
  }

  /** One version with its bytes, checksum and feature schema checked again. */
  public CompletionStage<ModelArtifact> load(String name, String version) {
    return execute(Cql.SELECT_VERSION, name, version)
        .thenCompose(
            rs -> {
              Row row = rs.one();
              if (row == null) {
                return unknownVersion(name, version);
              }
              return completed(
                  verified(name, version, row.getString("sha256"), row.getString("metadata"), bytes(row.getByteBuffer("onnx"))));
            });
  }

  public CompletionStage<Optional<ModelArtifact>> champion(String name) {
    return aliased(name, Alias.CHAMPION);
  }

  public CompletionStage<Optional<ModelArtifact>> challenger(String name) {
    return aliased(name, Alias.CHALLENGER);
  }

  /** The version {@code alias} points at, loaded; empty if the alias is not set. */
  public CompletionStage<Optional<ModelArtifact>> aliased(String name, Alias alias) {
    return execute(Cql.SELECT_ALIAS, name, alias.id())
        .thenCompose(
            rs -> {
              Row row = rs.one();
              return row == null
                  ? completed(Optional.<ModelArtifact>empty())
                  : load(name, row.getString("version")).thenApply(Optional::of);
            });
  }

  /**
   * Points {@code alias} of model {@code name} at {@code version}. A champion must be promotable
   * unless {@code force}; a version is never champion and challenger at once, so promoting the
   * challenger clears the challenger alias, and the champion can't be made challenger.
   *
   * @return the history entries written, newest first: the move, then the challenger's clearing if
   *     any; empty if {@code alias} already pointed at {@code version}
   */
  public CompletionStage<List<AliasEvent>> assign(
      String name, Alias alias, String version, String by, String reason, boolean force) {
    return execute(Cql.SELECT_VERSION_METADATA, name, version)
        .thenCompose(
            rs -> {
              Row row = rs.one();
              return row == null
                  ? unknownVersion(name, version)
                  : rows(execute(Cql.SELECT_ALIASES, name))
                      .thenCompose(
                          aliases -> move(name, alias, version, fromJson(row.getString("metadata")), aliases, by, reason, force));
            });
  }

  private CompletionStage<List<AliasEvent>> move(
      String name,
      Alias alias,
      String version,
      ModelMetadata target,
      List<Row> aliasRows,
      String by,
      String reason,
      boolean force) {
    Map<Alias, String> current =
        aliasRows.stream().collect(Collectors.toMap(r -> Alias.parse(r.getString("alias")), r -> r.getString("version")));
    String previous = current.get(alias);
    if (version.equals(previous)) {
      return completed(List.of());
    }
    if (alias == Alias.CHALLENGER && version.equals(current.get(Alias.CHAMPION))) {
      return failed(
          Code.ALIAS_CONFLICT, name + " version " + version + " is the champion; a champion can't also be the challenger");
    }
    boolean forced = alias == Alias.CHAMPION && !target.promotable();
    if (forced && !force) {
      return failed(Code.NOT_PROMOTABLE, notPromotable(target));
    }
    BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
    List<AliasEvent> events = new ArrayList<>(2);
    if (alias == Alias.CHAMPION && version.equals(current.get(Alias.CHALLENGER))) {
      UUID at = Uuids.timeBased();
      AliasEvent cleared = event(at, name, Alias.CHALLENGER, null, version, by, PROMOTED_REASON, false);
      batch.addStatement(bind(Cql.DELETE_ALIAS, name, Alias.CHALLENGER.id())).addStatement(historyRow(at, cleared));
      events.add(cleared);
    }
    // Stamped after the clearing, so the move is the newer history entry.
    UUID at = Uuids.timeBased();
    AliasEvent moved = event(at, name, alias, version, previous, by, reason, forced);
    batch
        .addStatement(bind(Cql.INSERT_ALIAS, name, alias.id(), version, moved.at(), by, reason, forced))
        .addStatement(historyRow(at, moved));
    events.add(0, moved);
    return session.executeAsync(batch.build()).thenApply(done -> List.copyOf(events));
  }

  /**
   * Registers the model shipped with Tickcast and, only if its name has no champion yet, makes it
   * champion: forced (it need not be promotable, and the history says so). Safe to run from every
   * node at start-up: the champion is claimed with a lightweight transaction, so it never replaces
   * one set meanwhile.
   */
  public CompletionStage<Bootstrap> bootstrapDefault(ModelArtifact shipped, String by) {
    String name = shipped.metadata().name();
    String version = shipped.metadata().version();
    return register(shipped, by)
        .thenCompose(
            registration -> {
              UUID at = Uuids.timeBased();
              AliasEvent moved = event(at, name, Alias.CHAMPION, version, null, by, BOOTSTRAP_REASON, true);
              return execute(
                      Cql.INSERT_ALIAS_IF_ABSENT, name, Alias.CHAMPION.id(), version, moved.at(), by, BOOTSTRAP_REASON, true)
                  .thenCompose(
                      rs -> {
                        if (!rs.wasApplied()) {
                          return completed(new Bootstrap(registration, assignment(rs.one()), false));
                        }
                        // Not batched with the claim (a conditional batch can't span tables): a crash
                        // in between leaves this one champion without its history entry.
                        AliasAssignment champion =
                            new AliasAssignment(name, Alias.CHAMPION, version, moved.at(), by, BOOTSTRAP_REASON, true);
                        return session
                            .executeAsync(historyRow(at, moved))
                            .thenApply(done -> new Bootstrap(registration, champion, true));
                      });
            });
  }

  /**
   * The artifact of a stored row, if its bytes still have the registered SHA-256 and its feature
   * schema is this build's.
   */
  static ModelArtifact verified(String name, String version, String registeredSha, String metadataJson, byte[] onnx) {
    ModelMetadata metadata = fromJson(metadataJson);
    String actual = sha256(onnx);
    if (!actual.equals(registeredSha) || !actual.equals(metadata.sha256())) {
      throw new RegistryException(
          Code.CHECKSUM_MISMATCH,
          "model " + name + " version " + version + " is corrupt: its stored ONNX bytes have SHA-256 " + actual
              + ", registered as " + registeredSha);
    }
    try {
      FeatureSchema.current().requireCompatible(metadata.featureSchema());
    } catch (IllegalStateException e) {
      throw new RegistryException(
          Code.INCOMPATIBLE_SCHEMA,
          "model " + name + " version " + version + " was trained on feature schema " + metadata.featureSchema().id()
              + ", this build produces " + FeatureSchema.current().id());
    }
    return new ModelArtifact(metadata, onnx);
  }

  static String notPromotable(ModelMetadata m) {
    String metrics =
        m.validationMetrics() == null
            ? ""
            : String.format(
                Locale.ROOT,
                " (validation MAE %.6f, directional accuracy %.4f)",
                m.validationMetrics().mae(),
                m.validationMetrics().directionalAccuracy());
    return m.name() + " version " + m.version() + " is not promotable: it did not beat the random-walk baseline on"
        + " the validation window" + metrics + "; force the promotion to override (it is recorded as forced)";
  }

  private static List<VersionInfo> versionInfos(List<Row> versionRows, List<Row> aliasRows) {
    Map<String, List<AliasAssignment>> byVersion =
        aliasRows.stream()
            .map(ModelRegistry::assignment)
            .sorted(Comparator.comparing(AliasAssignment::alias))
            .collect(Collectors.groupingBy(a -> a.name() + "\n" + a.version()));
    return versionRows.stream()
        .map(
            r ->
                new VersionInfo(
                    fromJson(r.getString("metadata")),
                    r.getInstant("registered_at"),
                    r.getString("registered_by"),
                    byVersion.getOrDefault(r.getString("name") + "\n" + r.getString("version"), List.of())))
        .sorted(
            Comparator.comparing((VersionInfo v) -> v.metadata().name())
                .thenComparing(v -> v.metadata().created(), Comparator.nullsLast(Comparator.reverseOrder())))
        .toList();
  }

  private static AliasAssignment assignment(Row r) {
    return new AliasAssignment(
        r.getString("name"),
        Alias.parse(r.getString("alias")),
        r.getString("version"),
        r.getInstant("assigned_at"),
        r.getString("assigned_by"),
        r.getString("reason"),
        r.getBoolean("forced"));
  }

  private static AliasEvent historyEvent(Row r) {
    return event(
        r.getUuid("at"),
        r.getString("name"),
        Alias.parse(r.getString("alias")),
        r.getString("version"),
        r.getString("previous_version"),
        r.getString("assigned_by"),
        r.getString("reason"),
        r.getBoolean("forced"));
  }

  /** An event at the time of {@code at}, the time-based UUID that orders it in the history. */
  private static AliasEvent event(
      UUID at, String name, Alias alias, String version, String previous, String by, String reason, boolean forced) {
    return new AliasEvent(name, Instant.ofEpochMilli(Uuids.unixTimestamp(at)), alias, version, previous, by, reason, forced);
  }

  private BoundStatement historyRow(UUID at, AliasEvent e) {
    return bind(
        Cql.INSERT_HISTORY,
        e.name(), at, e.alias().id(), e.version(), e.previousVersion(), e.by(), e.reason(), e.forced());
  }

  private CompletionStage<Void> requireModel(String name) {
    return execute(Cql.SELECT_ANY_VERSION, name)
        .thenAccept(
            rs -> {
              if (rs.one() == null) {
                throw unknownModel(name);
              }
            });
  }

  private <T> CompletionStage<T> unknownVersion(String name, String version) {
    return requireModel(name)
        .thenApply(
            known -> {
              throw new RegistryException(Code.UNKNOWN_VERSION, "model " + name + " has no version " + version);
            });
  }

  private static RegistryException unknownModel(String name) {
    return new RegistryException(Code.UNKNOWN_MODEL, "no model named " + name + " is registered");
  }

  /** Every row of a result, across pages. */
  private static CompletionStage<List<Row>> rows(CompletionStage<AsyncResultSet> first) {
    return first.thenCompose(rs -> collect(rs, new ArrayList<>()));
  }

  private static CompletionStage<List<Row>> collect(AsyncResultSet rs, List<Row> into) {
    rs.currentPage().forEach(into::add);
    return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> collect(next, into)) : completed(into);
  }

  private static String toJson(ModelMetadata metadata) {
    try {
      return Json.MAPPER.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("model metadata is plain data: " + e.getMessage(), e);
    }
  }

  private static ModelMetadata fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, ModelMetadata.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored model metadata is unreadable by this build: " + e.getOriginalMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> CompletionStage<T> completed(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private static <T> CompletionStage<T> failed(Code code, String message) {
    return CompletableFuture.failedFuture(new RegistryException(code, message));
  }
}
