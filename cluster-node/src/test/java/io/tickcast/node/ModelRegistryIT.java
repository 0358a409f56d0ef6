package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.persistence.ModelRegistry.Alias;
import io.tickcast.persistence.ModelRegistry.AliasAssignment;
import io.tickcast.persistence.ModelRegistry.AliasEvent;
import io.tickcast.persistence.ModelRegistry.Bootstrap;
import io.tickcast.persistence.ModelRegistry.Code;
import io.tickcast.persistence.ModelRegistry.Registration;
import io.tickcast.persistence.ModelRegistry.RegistryException;
import io.tickcast.persistence.ModelRegistry.VersionInfo;
import io.tickcast.protocols.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The model registry and the {@code models} CLI against a real Cassandra; each test its own model names. */
@ExtendWith(RealInfra.class)
class ModelRegistryIT {

  private static final String KEYSPACE = "it_models";
  private static final AtomicInteger SALT = new AtomicInteger();
  private static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = Instant.parse("2026-02-01T00:00:00Z");

  private static ModelArtifact shipped;
  private static CqlSession session;
  private static ModelRegistry registry;

  @BeforeAll
  static void prepare() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    shipped = ModelArtifact.loadDefault();
    session = CassandraSessions.open(RealInfra.infra().cassandraContactPoint(), "datacenter1", false);
    registry = await(ModelRegistry.prepare(session, KEYSPACE));
  }

  @AfterAll
  static void close() {
    if (session != null) {
      session.close();
    }
  }

  @Test
  void registerIsIdempotentAndRefusesOtherBytesUnderARegisteredVersion() throws Exception {
    ModelArtifact model = variant("it-register", true, EARLIER);
    Registration first = await(registry.register(model, "it:first"));
    assertThat(first.alreadyRegistered()).isFalse();

    Registration again = await(registry.register(model, "it:again"));
    assertThat(again.alreadyRegistered()).isTrue();
    assertThat(again.registeredBy()).isEqualTo("it:first");
    assertThat(again.registeredAt()).isEqualTo(first.registeredAt());

    ModelArtifact impostor = artifact("it-register", model.metadata().version(), true, salted(), EARLIER);
    RegistryException conflict = refusal(registry.register(impostor, "it:impostor"));
    assertThat(conflict.code()).isEqualTo(Code.VERSION_CONFLICT);
    assertThat(conflict.getMessage()).contains(model.metadata().sha256()).contains(impostor.metadata().sha256());
    assertThat(await(registry.load("it-register", model.metadata().version())).onnx()).isEqualTo(model.onnx());
  }

  @Test
  void versionsAreListedNewestFirstWithTheirAliases() throws Exception {
    ModelArtifact older = register(variant("it-list", true, EARLIER));
    ModelArtifact newer = register(variant("it-list", false, LATER));
    await(registry.assign("it-list", Alias.CHAMPION, version(older), "it", "best so far", false));
    await(registry.assign("it-list", Alias.CHALLENGER, version(newer), "it", "shadow it", false));

    List<VersionInfo> versions = await(registry.versions("it-list"));
    assertThat(versions).extracting(v -> v.metadata().version()).containsExactly(version(newer), version(older));
    assertThat(versions.get(0).aliases()).extracting(AliasAssignment::alias).containsExactly(Alias.CHALLENGER);
    assertThat(versions.get(1).aliases())
        .singleElement()
        .satisfies(a -> {
          assertThat(a.alias()).isEqualTo(Alias.CHAMPION);
          assertThat(a.reason()).isEqualTo("best so far");
          assertThat(a.forced()).isFalse();
        });
    assertThat(versions.get(1).registeredBy()).isEqualTo("it");
    assertThat(await(registry.versions()))
        .filteredOn(v -> v.metadata().name().equals("it-list"))
        .extracting(v -> v.metadata().version(), v -> v.aliases().size())
        .containsExactly(tuple(version(newer), 1), tuple(version(older), 1));
    assertThat(await(registry.aliases("it-list")))
        .extracting(AliasAssignment::alias, AliasAssignment::version)
        .containsExactly(tuple(Alias.CHAMPION, version(older)), tuple(Alias.CHALLENGER, version(newer)));
    assertThat(refusal(registry.versions("it-nothing")).code()).isEqualTo(Code.UNKNOWN_MODEL);
    assertThat(refusal(registry.aliases("it-nothing")).code()).isEqualTo(Code.UNKNOWN_MODEL);
  }

  @Test
  void theChampionMustBeatTheRandomWalkUnlessForcedAndEveryMoveIsInTheHistory() throws Exception {
    String name = "it-promote";
    ModelArtifact good = register(variant(name, true, EARLIER));
    ModelArtifact weak = register(variant(name, false, LATER));

    RegistryException refused = refusal(registry.assign(name, Alias.CHAMPION, version(weak), "it", null, false));
    assertThat(refused.code()).isEqualTo(Code.NOT_PROMOTABLE);
    assertThat(refused.getMessage()).contains("random-walk baseline on the validation window");
    assertThat(await(registry.champion(name))).isEmpty();
    assertThat(await(registry.history(name, 10))).isEmpty();

    List<AliasEvent> forced = await(registry.assign(name, Alias.CHAMPION, version(weak), "it", "demo", true));
    assertThat(forced).singleElement().satisfies(e -> assertThat(e.forced()).isTrue());
    assertThat(await(registry.aliases(name))).singleElement().satisfies(a -> assertThat(a.forced()).isTrue());
    assertThat(await(registry.assign(name, Alias.CHAMPION, version(weak), "it", "again", true))).isEmpty();

    await(registry.assign(name, Alias.CHAMPION, version(good), "it", "it beats the random walk", false));
    assertThat(await(registry.champion(name))).hasValueSatisfying(a -> assertThat(a.onnx()).isEqualTo(good.onnx()));
    assertThat(refusal(registry.assign(name, Alias.CHALLENGER, version(good), "it", null, false)).code())
        .isEqualTo(Code.ALIAS_CONFLICT);
    assertThat(refusal(registry.assign(name, Alias.CHAMPION, "000000000000", "it", null, false)).code())
        .isEqualTo(Code.UNKNOWN_VERSION);
    assertThat(refusal(registry.assign("it-nothing", Alias.CHAMPION, "000000000000", "it", null, false)).code())
        .isEqualTo(Code.UNKNOWN_MODEL);

    // A challenger need not be promotable; promoting it clears the challenger alias.
    await(registry.assign(name, Alias.CHALLENGER, version(weak), "it", "shadow", false));
    assertThat(await(registry.challenger(name))).hasValueSatisfying(a -> assertThat(a.onnx()).isEqualTo(weak.onnx()));
    List<AliasEvent> promoted = await(registry.assign(name, Alias.CHAMPION, version(weak), "it", "live score", true));
    assertThat(promoted)
        .extracting(AliasEvent::alias, AliasEvent::version, AliasEvent::previousVersion)
        .containsExactly(tuple(Alias.CHAMPION, version(weak), version(good)), tuple(Alias.CHALLENGER, null, version(weak)));
    assertThat(await(registry.challenger(name))).isEmpty();

    assertThat(await(registry.history(name, 10)))
        .extracting(AliasEvent::alias, AliasEvent::version, AliasEvent::previousVersion, AliasEvent::forced, AliasEvent::reason)
        .containsExactly(
            tuple(Alias.CHAMPION, version(weak), version(good), true, "live score"),
            tuple(Alias.CHALLENGER, null, version(weak), false, "promoted to champion"),
            tuple(Alias.CHALLENGER, version(weak), null, false, "shadow"),
            tuple(Alias.CHAMPION, version(good), version(weak), false, "it beats the random walk"),
            tuple(Alias.CHAMPION, version(weak), null, true, "demo"));
    List<AliasEvent> latest = await(registry.history(name, 2));
    assertThat(latest).hasSize(2);
    assertThat(latest.get(0).at()).isAfterOrEqualTo(latest.get(1).at());
  }

  @Test
  void loadChecksTheStoredBytesAgain() throws Exception {
    ModelArtifact model = register(variant("it-tamper", true, EARLIER));
    await(registry.assign("it-tamper", Alias.CHAMPION, version(model), "it", null, false));
    assertThat(await(registry.load("it-tamper", version(model))).metadata()).isEqualTo(model.metadata());

    session.execute(
        SimpleStatement.newInstance(
            "UPDATE " + KEYSPACE + ".model_versions SET onnx = ? WHERE name = ? AND version = ?",
            ByteBuffer.wrap(new byte[] {1, 2, 3}),
            "it-tamper",
            version(model)));
    RegistryException corrupt = refusal(registry.load("it-tamper", version(model)));
    assertThat(corrupt.code()).isEqualTo(Code.CHECKSUM_MISMATCH);
    assertThat(corrupt.getMessage()).contains("model it-tamper version " + version(model) + " is corrupt");
    assertThat(refusal(registry.champion("it-tamper")).code()).isEqualTo(Code.CHECKSUM_MISMATCH);
    assertThat(refusal(registry.load("it-tamper", "000000000000")).code()).isEqualTo(Code.UNKNOWN_VERSION);
  }

  @Test
  void bootstrapServesTheShippedModelOnceAndNeverReplacesAChampion() throws Exception {
    String name = shipped.metadata().name();
    Bootstrap first = await(registry.bootstrapDefault(shipped, "node:a"));
    assertThat(first.championAssigned()).isTrue();
    assertThat(first.registration().alreadyRegistered()).isFalse();
    assertThat(first.champion().forced()).isTrue();
    assertThat(first.champion().reason()).isEqualTo(ModelRegistry.BOOTSTRAP_REASON);

    Bootstrap second = await(registry.bootstrapDefault(shipped, "node:b"));
    assertThat(second.championAssigned()).isFalse();
    assertThat(second.registration().alreadyRegistered()).isTrue();
    assertThat(second.champion().assignedBy()).isEqualTo("node:a");
    assertThat(await(registry.champion(name))).hasValueSatisfying(a -> assertThat(a.onnx()).isEqualTo(shipped.onnx()));
    assertThat(await(registry.history(name, 10)))
        .singleElement()
        .satisfies(e -> assertThat(e.forced()).isTrue())
        .satisfies(e -> assertThat(e.reason()).isEqualTo(ModelRegistry.BOOTSTRAP_REASON));

    ModelArtifact promoted = register(variant("it-bootstrap", true, EARLIER));
    await(registry.assign("it-bootstrap", Alias.CHAMPION, version(promoted), "it", null, false));
    Bootstrap late = await(registry.bootstrapDefault(variant("it-bootstrap", false, LATER), "node:c"));
    assertThat(late.championAssigned()).isFalse();
    assertThat(late.champion().version()).isEqualTo(version(promoted));
    assertThat(await(registry.versions("it-bootstrap"))).hasSize(2);
  }

  @Test
  void theCliListsRegistersAndPromotes(@TempDir Path dir) throws Exception {
    ModelArtifact model = variant("it-cli", false, EARLIER);
    Files.write(dir.resolve(model.metadata().onnxFile()), model.onnx());
    Path json = dir.resolve("it-cli.json");
    Json.MAPPER.writeValue(json.toFile(), model.metadata());
    String v = version(model);

    assertThat(cli("register", json.toString()))
        .isEqualTo(new Cli(0, "Registered it-cli version " + v + " (linear, horizon 1, promotable: no).\n", ""));
    assertThat(cli("register", json.toString()).out()).contains("was already registered").contains(ModelsCommand.cliUser());

    Cli refused = cli("promote", "it-cli", v);
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).startsWith("tickcast: it-cli version " + v + " is not promotable").hasLineCount(1);

    Cli forced = cli("promote", "it-cli", v, "--force", "--reason", "dev only");
    assertThat(forced.code()).isZero();
    assertThat(forced.out()).isEqualTo("champion of it-cli is now " + v + " (was unset), FORCED: it is not promotable.\n");

    String[] table = cli("list", "it-cli").out().split("\n");
    assertThat(table).hasSize(2);
    assertThat(table[0]).startsWith("NAME").contains("VERSION").contains("ALIASES");
    assertThat(table[1]).startsWith("it-cli").contains(v).contains("champion (forced)").contains(ModelsCommand.cliUser());
    assertThat(cli("list").out()).startsWith("NAME").contains("it-cli");

    assertThat(cli("history", "it-cli").out()).contains("champion").contains("dev only").contains(ModelsCommand.cliUser());
    assertThat(cli("promote", "it-cli", v, "--alias", "mascot").code()).isEqualTo(2);
    Cli unknown = cli("promote", "it-nothing", v);
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("tickcast: no model named it-nothing is registered\n");
  }

  private record Cli(int code, String out, String err) {}

  /** {@code tickcast models ARGS} in this JVM, against the test's keyspace. */
  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 5];
    full[0] = "models";
    System.arraycopy(args, 0, full, 1, args.length);
    System.arraycopy(
        new String[] {"--cassandra", RealInfra.infra().cassandraContactPoint(), "--keyspace", KEYSPACE},
        0, full, args.length + 1, 4);
    int code =
        Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(full);
    return new Cli(code, out.toString(), err.toString());
  }

  private static ModelArtifact register(ModelArtifact model) throws Exception {
    await(registry.register(model, "it"));
    return model;
  }

  /** A model of its own bytes (the shipped ONNX, salted: the registry never parses it). */
  private static ModelArtifact variant(String name, boolean promotable, Instant created) throws Exception {
    return artifact(name, null, promotable, salted(), created);
  }

  /** @param version null: the first 12 hex digits of the SHA-256, as training names versions */
  private static ModelArtifact artifact(String name, String version, boolean promotable, byte[] onnx, Instant created)
      throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
    ObjectNode metadata = Json.MAPPER.valueToTree(shipped.metadata());
    metadata
        .put("name", name)
        .put("version", version != null ? version : sha.substring(0, 12))
        .put("sha256", sha)
        .put("promotable", promotable)
        .put("created", created.toString());
    return new ModelArtifact(Json.MAPPER.treeToValue(metadata, ModelMetadata.class), onnx);
  }

  private static byte[] salted() {
    byte[] onnx = Arrays.copyOf(shipped.onnx(), shipped.onnx().length + Integer.BYTES);
    ByteBuffer.wrap(onnx, shipped.onnx().length, Integer.BYTES).putInt(SALT.incrementAndGet());
    return onnx;
  }

  private static String version(ModelArtifact model) {
    return model.metadata().version();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static RegistryException refusal(CompletionStage<?> stage) {
    Throwable failure = catchThrowable(() -> await(stage));
    return RegistryException.in(failure).orElseThrow(() -> new AssertionError("expected a registry refusal", failure));
  }
}
