package io.tickcast.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.typesafe.config.Config;
import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.DeliverWebhook;
import io.tickcast.actors.TickerEntity.RecordWebhookOutcome;
import io.tickcast.actors.TickerEntity.WebhookDelivered;
import io.tickcast.actors.TickerEntity.WebhookFailed;
import io.tickcast.protocols.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * This node's webhook deliverer: POSTs each alert its ticker entities hand over (JSON {@link
 * io.tickcast.protocols.AlertUpdate}, header {@code Idempotency-Key: <alertId>}) with retries and
 * exponential backoff, one child actor per alert, and reports every outcome to the alert's entity,
 * which records it (the watch shows it) and hands the alert over again after a restart. The entity
 * never waits for any of this. An alert already in flight here is not started twice.
 */
final class WebhookDelivery {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private WebhookDelivery() {}

  /**
   * Attempt n waits {@code minBackoff × 2^(n-2)} (capped at {@code maxBackoff}, ±20 % jitter so
   * that failing alerts spread out) after attempt n-1; after {@code maxAttempts} the alert is given
   * up. A request has {@code requestTimeout} to be answered.
   */
  record Settings(Duration minBackoff, Duration maxBackoff, int maxAttempts, Duration requestTimeout) {

    static Settings fromConfig(Config webhook) {
      return new Settings(
          webhook.getDuration("min-backoff"),
          webhook.getDuration("max-backoff"),
          webhook.getInt("max-attempts"),
          webhook.getDuration("request-timeout"));
    }

    Duration backoff(int failedAttempt) {
      long factor = 1L << Math.min(failedAttempt - 1, 30);
      Duration capped = minBackoff.multipliedBy(factor);
      if (capped.compareTo(maxBackoff) > 0) {
        capped = maxBackoff;
      }
      return Duration.ofNanos((long) (capped.toNanos() * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }
  }

  /** @param entities the entity of a ticker, to report outcomes to (wherever it lives by then) */
  static Behavior<DeliverWebhook> create(
      Settings settings, Function<String, RecipientRef<TickerEntity.Command>> entities, Clock clock) {
    return Behaviors.setup(
        ctx -> {
          // Closes the client's connection pools before the system goes, instead of them failing.
          CoordinatedShutdown.get(ctx.getSystem())
              .addTask(
                  CoordinatedShutdown.PhaseServiceStop(),
                  "webhook-connection-pools",
                  () -> Http.get(ctx.getSystem()).shutdownAllConnectionPools().thenApply(done -> Done.done()));
          return Behaviors.receive(DeliverWebhook.class)
              .onMessage(
                  DeliverWebhook.class,
                  deliver -> {
                    String name = deliver.alert().alertId();
                    if (ctx.getChild(name).isEmpty()) {
                      ctx.spawn(attempts(deliver, settings, entities.apply(deliver.alert().ticker()), clock), name);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private sealed interface Step {}

  private record Attempt(int number) implements Step {}

  /** {@code failure}: null when the webhook accepted the alert. */
  private record Attempted(int number, String failure) implements Step {}

  private static Behavior<Step> attempts(
      DeliverWebhook deliver, Settings settings, RecipientRef<TickerEntity.Command> entity, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSelf().tell(new Attempt(deliver.attempt()));
                  return Behaviors.receive(Step.class)
                      .onMessage(Attempt.class, attempt -> post(ctx, deliver, settings, attempt.number()))
                      .onMessage(Attempted.class, done -> report(done, deliver, settings, entity, clock, timers))
                      .build();
                }));
  }

  private static Behavior<Step> post(ActorContext<Step> ctx, DeliverWebhook deliver, Settings settings, int number) {
    HttpRequest request;
    try {
      request =
          HttpRequest.POST(deliver.url())
              .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsBytes(deliver.alert())))
              .addHeader(RawHeader.create(IDEMPOTENCY_KEY, deliver.alert().alertId()));
    } catch (JsonProcessingException | RuntimeException e) {
      ctx.getSelf().tell(new Attempted(number, "cannot build the request: " + e.getMessage()));
      return Behaviors.same();
    }
    CompletableFuture<HttpResponse> response = Http.get(ctx.getSystem()).singleRequest(request).toCompletableFuture();
    // Drained however late it comes: an undrained response holds its pooled connection.
    response.thenAccept(r -> r.discardEntityBytes(ctx.getSystem()));
    ctx.pipeToSelf(
        response.copy().orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (r, failure) -> {
          if (failure != null) {
            return new Attempted(number, reason(failure, settings));
          }
          return new Attempted(number, r.status().isSuccess() ? null : "HTTP " + r.status().intValue());
        });
    return Behaviors.same();
  }

  private static String reason(Throwable failure, Settings settings) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof TimeoutException
        ? "no answer within " + settings.requestTimeout()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private static Behavior<Step> report(
      Attempted done,
      DeliverWebhook deliver,
      Settings settings,
      RecipientRef<TickerEntity.Command> entity,
      Clock clock,
      TimerScheduler<Step> timers) {
    String watchId = deliver.alert().watchId();
    String alertId = deliver.alert().alertId();
    if (done.failure() == null) {
      entity.tell(new RecordWebhookOutcome(new WebhookDelivered(watchId, alertId, done.number(), clock.instant())));
      return Behaviors.stopped();
    }
    boolean gaveUp = done.number() >= settings.maxAttempts();
    entity.tell(new RecordWebhookOutcome(new WebhookFailed(watchId, alertId, done.number(), done.failure(), gaveUp, clock.instant())));
    if (gaveUp) {
      return Behaviors.stopped();
    }
    timers.startSingleTimer(new Attempt(done.number() + 1), settings.backoff(done.number()));
    return Behaviors.same();
  }
}
