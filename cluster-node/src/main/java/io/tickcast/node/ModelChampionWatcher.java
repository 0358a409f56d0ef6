package io.tickcast.node;

import io.tickcast.actors.ModelPool;
import io.tickcast.model.ModelArtifact;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.persistence.ModelRegistry.Alias;
import io.tickcast.persistence.ModelRegistry.AliasAssignment;
import io.tickcast.protocols.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Keeps this node's {@link ModelPool} serving what the registry's aliases say: the champion (and
 * a challenger in shadow). It re-reads the aliases every poll interval, which covers promotions
 * from the CLI, and at once when a node announces a promotion on the cluster topic. A switch is
 * a message to the pool, never a restart.
 */
final class ModelChampionWatcher {

  public static final String TOPIC = "model-aliases";

  sealed interface Command {}

  /** Published cluster-wide after a promotion through the HTTP API. */
  public record AliasesChanged(String model) implements Command, CborSerializable {}

  private record Refresh() implements Command {}

  private record Loaded(Served served, ModelArtifact champion, ModelArtifact challenger) implements Command {}

  private record Failed(Served wanted, Throwable cause) implements Command {}

  /** The versions the pool serves (null: none). */
  private record Served(String champion, String challenger) {}

  private ModelChampionWatcher() {}

  static Behavior<Command> create(
      CompletionStage<ModelRegistry> registry,
      String model,
      Duration pollInterval,
      ActorRef<ModelPool.Command> pool,
      ActorRef<Topic.Command<AliasesChanged>> announcements) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  announcements.tell(Topic.subscribe(ctx.getSelf().narrow()));
                  timers.startTimerWithFixedDelay(new Refresh(), Duration.ZERO, pollInterval);
                  return new ModelChampionWatcher().idle(ctx, timers, registry, model, pool, new Served(null, null));
                }));
  }

  private Behavior<Command> idle(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      CompletionStage<ModelRegistry> registry,
      String model,
      ActorRef<ModelPool.Command> pool,
      Served current) {
    return Behaviors.receive(Command.class)
        .onMessage(
            AliasesChanged.class,
            changed -> model.equals(changed.model()) ? check(ctx, registry, model, current) : Behaviors.same())
        .onMessage(Refresh.class, refresh -> check(ctx, registry, model, current))
        .onMessage(
            Loaded.class,
            loaded -> {
              if (loaded.served().equals(current)) {
                return Behaviors.same();
              }
              ctx.getLog().info(
                  "Model {}: serving champion {} (was {}), challenger {} (was {})",
                  model, loaded.served().champion(), current.champion(), loaded.served().challenger(), current.challenger());
              pool.tell(new ModelPool.Serve(loaded.champion(), loaded.challenger()));
              return idle(ctx, timers, registry, model, pool, loaded.served());
            })
        .onMessage(
            Failed.class,
            failed -> {
              // The pool keeps serving what it has; the next poll tries again.
              ctx.getLog().warn("Model {}: cannot load {}: {}", model, failed.wanted(), failed.cause().toString());
              return Behaviors.same();
            })
        .build();
  }

  /** Reads the aliases; loads the artifacts only when they moved away from {@code current}. */
  private Behavior<Command> check(
      ActorContext<Command> ctx, CompletionStage<ModelRegistry> registry, String model, Served current) {
    CompletionStage<Command> next =
        registry.thenCompose(
            r ->
                r.aliases(model)
                    .thenCompose(
                        aliases -> {
                          Served wanted = new Served(version(aliases, Alias.CHAMPION), version(aliases, Alias.CHALLENGER));
                          if (wanted.equals(current)) {
                            return CompletableFuture.completedFuture((Command) new Loaded(current, null, null));
                          }
                          return load(r, model, wanted.champion())
                              .thenCombine(
                                  load(r, model, wanted.challenger()),
                                  (champion, challenger) ->
                                      (Command) new Loaded(wanted, champion.orElse(null), challenger.orElse(null)))
                              .exceptionally(e -> new Failed(wanted, e));
                        }));
    ctx.pipeToSelf(next, (msg, failure) -> failure == null ? msg : new Failed(null, failure));
    return Behaviors.same();
  }

  private static CompletionStage<Optional<ModelArtifact>> load(ModelRegistry registry, String model, String version) {
    return version == null
        ? CompletableFuture.completedFuture(Optional.empty())
        : registry.load(model, version).thenApply(Optional::of);
  }

  private static String version(List<AliasAssignment> aliases, Alias alias) {
    return aliases.stream().filter(a -> a.alias() == alias).map(AliasAssignment::version).filter(Objects::nonNull).findFirst().orElse(null);
  }
}
