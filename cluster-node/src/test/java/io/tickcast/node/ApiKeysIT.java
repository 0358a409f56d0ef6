package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.CachingApiKeyStore;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.RateLimiter;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys against a real Cassandra: created, listed and revoked with the CLI, checked by the
 * security directives on a real HTTP server through the node's cache, and mutations audited.
 */
@ExtendWith(RealInfra.class)
class ApiKeysIT {

  private static final String KEYSPACE = "it_keys";
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z");
  private static final Pattern CREATED = Pattern.compile("Created (\\w+) key ([0-9a-f]{16}) for (\\S+)\\..*\\n(tck_\\S+)\\n");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ActorTestKit testKit;
  private static CqlSession session;
  private static CassandraApiKeyStore store;
  private static CassandraAuditLog audit;
  /** The cache's clock: the test moves it past the TTL instead of waiting. */
  private static final AtomicLong cacheNanos = new AtomicLong();
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    session = CassandraSessions.open(RealInfra.infra().cassandraContactPoint(), "datacenter1", false);
    store = new CassandraApiKeyStore(session, KEYSPACE);
    audit = new CassandraAuditLog(session, KEYSPACE);
    Security security =
        new Security(
            new CachingApiKeyStore(store, TTL, 100, cacheNanos::get),
            RateLimiter.fromConfig(NodeConfig.load(Map.of()).getConfig("tickcast.security.rate-limits"), System::nanoTime),
            audit,
            true,
            Clock.systemUTC());
    testKit = ActorTestKit.create();
    int port =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(routes(security))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .localAddress()
            .getPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    if (session != null) {
      session.close();
    }
  }

  /** A read for viewers and an audited mutation for admins, as the API's routes use them. */
  private static Route routes(Security security) {
    AllDirectives d = new AllDirectives() {};
    return d.path(
        "things",
        () ->
            d.concat(
                d.get(() -> security.authenticated(Role.VIEWER, who -> d.complete("things for " + who.owner()))),
                d.post(
                    () ->
                        security.authenticated(
                            Role.ADMIN,
                            who -> security.audited(who, "things.change", () -> d.complete(StatusCodes.CREATED, "changed"))))));
  }

  private record Cli(int exitCode, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--cassandra", RealInfra.infra().cassandraContactPoint(), "--keyspace", KEYSPACE));
    int exit =
        Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    return new Cli(exit, out.toString(), err.toString());
  }

  private record Created(String id, String key) {}

  private static Created create(Role role, String owner) {
    Cli created = cli("keys", "create", "--role", role.id(), "--owner", owner);
    assertThat(created.exitCode()).as(created.err()).isZero();
    Matcher m = CREATED.matcher(created.out());
    assertThat(m.find()).as(created.out()).isTrue();
    assertThat(m.group(1)).isEqualTo(role.id());
    assertThat(m.group(3)).isEqualTo(owner);
    return new Created(m.group(2), m.group(4));
  }

  private static int send(String method, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/things"))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void createAuthenticateRevokeAndAudit() throws Exception {
    Instant before = Instant.now();
    Created admin = create(Role.ADMIN, "it-admin");
    Created viewer = create(Role.VIEWER, "it-viewer");

    assertThat(send("GET", viewer.key())).isEqualTo(200);
    assertThat(send("POST", viewer.key())).isEqualTo(403);
    assertThat(send("GET", admin.key())).isEqualTo(200);
    assertThat(send("POST", admin.key())).isEqualTo(201);
    assertThat(send("GET", null)).isEqualTo(401);
    assertThat(send("GET", ApiKeys.generate().secret())).isEqualTo(401);

    Cli list = cli("keys", "list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out())
        .contains(admin.id(), "it-admin", "admin", viewer.id(), "it-viewer", "viewer")
        .doesNotContain(admin.key(), viewer.key(), ApiKeys.hash(admin.key()), ApiKeys.hash(viewer.key()));

    Cli revoked = cli("keys", "revoke", admin.id());
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(revoked.out()).contains("Key " + admin.id() + " is revoked");
    assertThat(store.lookup(ApiKeys.hash(admin.key())).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();

    // This node still trusts its cached lookup until the TTL has passed, and not a moment longer.
    cacheNanos.addAndGet(TTL.toNanos() - 1);
    assertThat(send("POST", admin.key())).isEqualTo(201);
    cacheNanos.addAndGet(1);
    assertThat(send("POST", admin.key())).isEqualTo(401);
    assertThat(send("GET", viewer.key())).isEqualTo(200);

    // Created and revoked: two timestamps on the admin key's line.
    assertThat(cli("keys", "list").out().lines().filter(l -> l.startsWith(admin.id())))
        .singleElement()
        .satisfies(line -> assertThat(TIMESTAMP.matcher(line).results().count()).as(line).isEqualTo(2));
    assertThat(cli("keys", "revoke", admin.id()).exitCode()).isZero();
    Cli unknown = cli("keys", "revoke", "0000000000000000");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no API key with id 0000000000000000");

    // Both admin mutations, newest first; refused requests changed nothing and are not entries.
    List<AuditEntry> entries = new ArrayList<>();
    for (LocalDate day : new LinkedHashSet<>(List.of(utcDay(Instant.now()), utcDay(before)))) {
      entries.addAll(audit.day(day, 100).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    assertThat(entries).hasSize(2).allSatisfy(e -> {
      assertThat(e.keyId()).isEqualTo(admin.id());
      assertThat(e.owner()).isEqualTo("it-admin");
      assertThat(e.role()).isEqualTo(Role.ADMIN);
      assertThat(e.method()).isEqualTo("POST");
      assertThat(e.path()).isEqualTo("/things");
      assertThat(e.status()).isEqualTo(201);
      assertThat(e.detail()).isEqualTo("things.change");
      assertThat(e.at()).isBetween(before.minusSeconds(1), Instant.now());
    });
    assertThat(entries.get(0).at()).isAfterOrEqualTo(entries.get(1).at());
  }

  private static LocalDate utcDay(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  @Test
  void theDevAdminKeyIsReusedReRegisteredAfterAWipeAndReplacedWhenRevoked(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("dev-admin-key");
    String contactPoint = RealInfra.infra().cassandraContactPoint();
    String first = KeysCommand.devAdminKey(contactPoint, "datacenter1", KEYSPACE, keyFile);
    assertThat(ApiKeys.wellFormed(first)).isTrue();
    assertThat(Files.readString(keyFile).strip()).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    Principal dev = store.lookup(ApiKeys.hash(first)).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(dev.role()).isEqualTo(Role.ADMIN);
    assertThat(dev.owner()).isEqualTo(KeysCommand.DEV_OWNER);

    assertThat(KeysCommand.devAdminKey(contactPoint, "datacenter1", KEYSPACE, keyFile)).isEqualTo(first);

    // A fresh Cassandra (dev mode without --keep-data) gets the same key again.
    session.execute("DELETE FROM " + KEYSPACE + ".api_keys WHERE key_hash = '" + ApiKeys.hash(first) + "'");
    assertThat(KeysCommand.devAdminKey(contactPoint, "datacenter1", KEYSPACE, keyFile)).isEqualTo(first);
    assertThat(store.find(ApiKeys.hash(first))).isPresent();

    // A revoked dev key stays revoked: the next start makes a new one.
    String id = store.find(ApiKeys.hash(first)).orElseThrow().keyId();
    assertThat(store.revoke(id)).isPresent();
    String second = KeysCommand.devAdminKey(contactPoint, "datacenter1", KEYSPACE, keyFile);
    assertThat(second).isNotEqualTo(first);
    assertThat(Files.readString(keyFile).strip()).isEqualTo(second);
    assertThat(store.lookup(ApiKeys.hash(first)).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
  }
}
