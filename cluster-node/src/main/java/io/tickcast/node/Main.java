package io.tickcast.node;

import com.typesafe.config.ConfigFactory;
import io.tickcast.devinfra.InfraException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tickcast} command line. */
@Command(
    name = "tickcast",
    mixinStandardHelpOptions = true,
    version = "tickcast 0.1.0",
    description = "Real-time stock prediction on Apache Pekko.",
    subcommands = {
      DevCommand.class,
      NodeCommand.class,
      ReplayCommand.class,
      ReplayTicksCommand.class,
      SchemaCommand.class,
      KeysCommand.class,
      ModelsCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      BenchIngestCommand.class,
      BenchReaderCommand.class,
      BenchModelsCommand.class
    })
public final class Main implements Callable<Integer> {

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  static {
    // With one or two cores the JDK's common pool gets parallelism 1, and CompletableFuture then
    // runs each async stage on a new thread: every ask's answer (Scala's converters complete them
    // asynchronously), thousands of threads a second under query load. Two keeps them pooled.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .registerConverter(Duration.class, Main::parseDuration)
        // A user error (port taken, bad flag) is one line, not a stack trace.
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof InfraException || e instanceof UserError) {
                cmd.getErr().println("tickcast: " + e.getMessage());
                return 2;
              }
              throw e;
            });
  }

  /** Durations as in the HOCON files: 250ms, 2s, 1m. */
  static Duration parseDuration(String text) {
    return ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
