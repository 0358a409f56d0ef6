package io.tickcast.node;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.persistence.ModelRegistry.Alias;
import io.tickcast.persistence.ModelRegistry.AliasAssignment;
import io.tickcast.persistence.ModelRegistry.AliasEvent;
import io.tickcast.persistence.ModelRegistry.Registration;
import io.tickcast.persistence.ModelRegistry.RegistryException;
import io.tickcast.persistence.ModelRegistry.VersionInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "The model registry in Cassandra: registered versions, the champion (served) and challenger (shadowed)"
            + " of each model, and the history of their moves.",
    subcommands = {
      ModelsCommand.ListVersions.class,
      ModelsCommand.Register.class,
      ModelsCommand.Promote.class,
      ModelsCommand.History.class
    })
final class ModelsCommand implements Callable<Integer> {


  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Where the registry lives, for every subcommand. */
  static final class Target {
    @Mixin CassandraTarget cassandra;

    /** Runs {@code action} on the registry; its refusals and an unreachable Cassandra become {@link UserError}s. */
    <T> T call(Function<ModelRegistry, CompletionStage<T>> action) {
      CassandraTarget.Resolved at = cassandra.resolve();
      String target = at.contactPoint();
      String ks = at.keyspace();
      try (CqlSession session = CassandraSessions.open(target, at.datacenter(), false)) {
        ModelRegistry registry;
        try {
          registry = ModelRegistry.prepare(session, ks).toCompletableFuture().join();
        } catch (CompletionException e) {
          if (e.getCause() instanceof InvalidQueryException) {
            throw new UserError(
                "no model registry in keyspace " + ks + " on " + target + " (run ./tickcast schema): " + e.getCause().getMessage());
          }
          throw e;
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage()); // a --keyspace that is no keyspace name
        }
        return action.apply(registry).toCompletableFuture().join();
      } catch (AllNodesFailedException e) {
        throw new UserError("can't reach Cassandra at " + target + " (start it with ./tickcast dev, or pass --cassandra host:port)");
      } catch (CompletionException e) {
        throw RegistryException.in(e).<RuntimeException>map(r -> new UserError(r.getMessage())).orElse(e);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Registered versions (of one model, or of all), newest first, with their aliases.")
  static final class ListVersions implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this model.")
    String name;

    @Override
    public Integer call() {
      List<VersionInfo> versions = target.call(r -> name == null ? r.versions() : r.versions(name));
      PrintWriter out = spec.commandLine().getOut();
      if (versions.isEmpty()) {
        out.println("No models registered.");
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (VersionInfo v : versions) {
        ModelMetadata m = v.metadata();
        rows.add(
            List.of(
                m.name(),
                m.version(),
                m.kind(),
                Integer.toString(m.horizon()),
                time(m.created()),
                m.validationMetrics() == null ? "-" : String.format(Locale.ROOT, "%.6f", m.validationMetrics().mae()),
                m.validationMetrics() == null ? "-" : String.format(Locale.ROOT, "%.4f", m.validationMetrics().directionalAccuracy()),
                m.promotable() ? "yes" : "no",
                v.aliases().stream().map(ModelsCommand::alias).collect(Collectors.joining(", ")),
                time(v.registeredAt()) + " " + v.registeredBy()));
      }
      out.print(
          table(
              List.of("NAME", "VERSION", "KIND", "H", "CREATED", "VAL MAE", "VAL DIR", "PROMOTABLE", "ALIASES", "REGISTERED"),
              rows));
      return 0;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "Register a trained model: the metadata JSON that ./tickcast train writes (models/<kind>.json), next to its ONNX file.")
  static final class Register implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PATH_TO_METADATA_JSON")
    Path path;

    @Override
    public Integer call() {
      ModelArtifact artifact = read(ProjectPaths.resolve(path));
      Registration r = target.call(registry -> registry.register(artifact, cliUser()));
      ModelMetadata m = artifact.metadata();
      spec.commandLine()
          .getOut()
          .println(
              r.alreadyRegistered()
                  ? r.name() + " version " + r.version() + " was already registered (" + time(r.registeredAt()) + " by "
                      + r.registeredBy() + "); nothing changed."
                  : "Registered " + r.name() + " version " + r.version() + " (" + m.kind() + ", horizon " + m.horizon()
                      + ", promotable: " + (m.promotable() ? "yes" : "no") + ").");
      return 0;
    }

    static ModelArtifact read(Path metadataJson) {
      if (!Files.isRegularFile(metadataJson)) {
        throw new UserError("no such file: " + metadataJson);
      }
      try {
        return ModelArtifact.load(metadataJson);
      } catch (JsonProcessingException e) {
        throw new UserError("not model metadata: " + metadataJson + ": " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new UserError("can't read the model of " + metadataJson + ": " + e);
      } catch (IllegalStateException e) {
        // The ONNX file's checksum or the feature schema disagrees with the metadata.
        throw new UserError(e.getMessage());
      }
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Point an alias of a model at a registered version. The champion must have beaten the random-walk"
              + " baseline on the validation window (be promotable), unless --force, which is recorded.")
  static final class Promote implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(
        names = "--alias",
        defaultValue = "champion",
        converter = AliasConverter.class,
        description = "champion or challenger. Default: ${DEFAULT-VALUE}")
    Alias alias;

    @Option(names = "--force", description = "Make a non-promotable version champion anyway (recorded as forced).")
    boolean force;

    @Option(names = "--reason", description = "Why, for the history.")
    String reason;

    @Override
    public Integer call() {
      List<AliasEvent> moves = target.call(r -> r.assign(name, alias, version, cliUser(), reason, force));
      PrintWriter out = spec.commandLine().getOut();
      if (moves.isEmpty()) {
        out.println(alias.id() + " of " + name + " is already " + version + "; nothing changed.");
      }
      for (AliasEvent e : moves) {
        out.println(
            e.version() == null
                ? e.alias().id() + " of " + name + " cleared (was " + e.previousVersion() + ": " + e.reason() + ")."
                : e.alias().id() + " of " + name + " is now " + e.version() + " (was "
                    + (e.previousVersion() == null ? "unset" : e.previousVersion()) + ")"
                    + (e.forced() ? ", FORCED: it is not promotable" : "") + ".");
      }
      return 0;
    }
  }

  static final class AliasConverter implements CommandLine.ITypeConverter<Alias> {
    @Override
    public Alias convert(String value) {
      try {
        return Alias.parse(value);
      } catch (RegistryException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "The alias moves of a model, newest first.")
  static final class History implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many moves. Default: ${DEFAULT-VALUE}")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new UserError("--limit must be at least 1");
      }
      List<AliasEvent> events = target.call(r -> r.history(name, limit));
      PrintWriter out = spec.commandLine().getOut();
      if (events.isEmpty()) {
        out.println("No alias of " + name + " was ever set.");
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (AliasEvent e : events) {
        rows.add(
            List.of(
                time(e.at()),
                e.alias().id(),
                e.version() == null ? "(cleared)" : e.version(),
                e.previousVersion() == null ? "-" : e.previousVersion(),
                e.forced() ? "yes" : "no",
                e.by(),
                e.reason() == null ? "" : e.reason()));
      }
      out.print(table(List.of("AT", "ALIAS", "VERSION", "PREVIOUS", "FORCED", "BY", "REASON"), rows));
      return 0;
    }
  }

  /** Columns padded to their widest cell, two spaces apart; no trailing blanks. */
  static String table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (List<String> row : concat(header, rows)) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : concat(header, rows)) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        line.append(String.format(Locale.ROOT, "%-" + (width[c] + 2) + "s", row.get(c)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(header);
    all.addAll(rows);
    return all;
  }

  private static String alias(AliasAssignment a) {
    return a.alias().id() + (a.forced() ? " (forced)" : "");
  }

  private static String time(Instant t) {
    return CassandraTarget.time(t);
  }

  static String cliUser() {
    return "cli:" + System.getProperty("user.name");
  }
}
