package io.tickcast.node;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.typesafe.config.Config;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "API keys in Cassandra. Roles: viewer (read, stream), trader (+ watches), admin (+ cluster,",
      "models, keys). Only a key's SHA-256 is stored: the key is shown once, when created."
    },
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Callable<Integer> {

  static final String DEV_OWNER = "dev";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Where the keys live, for every subcommand. */
  static final class Target {
    @Mixin CassandraTarget cassandra;

    <T> T call(Function<CassandraApiKeyStore, T> action) {
      CassandraTarget.Resolved at = cassandra.resolve();
      return withStore(at.contactPoint(), at.datacenter(), at.keyspace(), action);
    }
  }

  static final class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      return Role.parse(value);
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a key and print it (this once only) with its id.")
  static final class Create implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Option(names = "--role", required = true, converter = RoleConverter.class, description = "viewer, trader or admin.")
    Role role;

    @Option(names = "--owner", required = true, description = "Who holds the key (a person or a service), for the audit log.")
    String owner;

    @Override
    public Integer call() {
      if (owner.isBlank() || owner.length() > 100) {
        throw new UserError("--owner must be 1 to 100 characters");
      }
      ApiKeys.NewKey key = target.call(store -> store.create(role, owner.strip()));
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Created " + role.id() + " key " + key.keyId() + " for " + owner.strip() + ". Store it now; it is not shown again:");
      out.println(key.secret());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every key's id, owner, role, creation and revocation (never the keys).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<CassandraApiKeyStore.KeyInfo> keys = target.call(CassandraApiKeyStore::list);
      PrintWriter out = spec.commandLine().getOut();
      if (keys.isEmpty()) {
        out.println("No API keys. Create one with: ./tickcast keys create --role admin --owner NAME");
        return 0;
      }
      out.print(
          ModelsCommand.table(
              List.of("ID", "OWNER", "ROLE", "CREATED", "REVOKED"),
              keys.stream()
                  .map(
                      k ->
                          List.of(
                              k.keyId(), k.owner(), k.role().id(), time(k.createdAt()),
                              k.revokedAt().map(KeysCommand::time).orElse("-")))
                  .toList()));
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a key: every node refuses it within tickcast.security.cache-ttl.")
  static final class Revoke implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id, as keys list shows it.")
    String keyId;

    @Override
    public Integer call() {
      Instant revokedAt =
          target.call(store -> store.revoke(keyId)).orElseThrow(() -> new UserError("no API key with id " + keyId));
      Config config = NodeConfig.load(Map.of());
      spec.commandLine()
          .getOut()
          .println(
              "Key " + keyId + " is revoked (since " + time(revokedAt) + "); nodes refuse it within "
                  + config.getDuration("tickcast.security.cache-ttl").toSeconds() + " s.");
      return 0;
    }
  }

  /**
   * The admin key of {@code ./tickcast dev}: the one saved in {@code keyFile} while it is still a
   * valid admin key in Cassandra, registered again if Cassandra was wiped, or else a new one, saved
   * there (owner-only permissions) so that restarts print the same key. Keep {@code keyFile}
   * outside version control.
   */
  static String devAdminKey(String contactPoint, String datacenter, String keyspace, Path keyFile) {
    return withStore(
        contactPoint,
        datacenter,
        keyspace,
        store -> {
          Optional<String> saved = readKey(keyFile);
          if (saved.isPresent()) {
            Optional<CassandraApiKeyStore.KeyInfo> known = store.find(ApiKeys.hash(saved.get()));
            if (known.isEmpty()) {
              store.register(new ApiKeys.NewKey(ApiKeys.newId(), saved.get()), Role.ADMIN, DEV_OWNER);
              return saved.get();
            }
            if (known.get().revokedAt().isEmpty() && known.get().role() == Role.ADMIN) {
              return saved.get();
            }
          }
          ApiKeys.NewKey key = store.create(Role.ADMIN, DEV_OWNER);
          writeKey(keyFile, key.secret());
          return key.secret();
        });
  }

  private static <T> T withStore(
      String contactPoint, String datacenter, String keyspace, Function<CassandraApiKeyStore, T> action) {
    try (CqlSession session = CassandraSessions.open(contactPoint, datacenter, false)) {
      CassandraApiKeyStore store;
      try {
        store = new CassandraApiKeyStore(session, keyspace);
      } catch (InvalidQueryException e) {
        throw new UserError(
            "no API key table in keyspace " + keyspace + " on " + contactPoint + " (run ./tickcast schema): " + e.getMessage());
      }
      return action.apply(store);
    } catch (AllNodesFailedException e) {
      throw new UserError(
          "can't reach Cassandra at " + contactPoint + " (start it with ./tickcast dev, or pass --cassandra host:port)");
    }
  }

  private static Optional<String> readKey(Path keyFile) {
    try {
      return Files.isRegularFile(keyFile)
          ? Optional.of(Files.readString(keyFile).strip()).filter(ApiKeys::wellFormed)
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeKey(Path keyFile, String secret) {
    try {
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      Files.deleteIfExists(keyFile);
      if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(keyFile, secret + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String time(Instant t) {
    return CassandraTarget.time(t);
  }
}
