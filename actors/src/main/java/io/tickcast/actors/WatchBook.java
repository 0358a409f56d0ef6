package io.tickcast.actors;

import io.tickcast.actors.TickerEntity.AlertFired;
import io.tickcast.actors.TickerEntity.Event;
import io.tickcast.actors.TickerEntity.WatchAdded;
import io.tickcast.actors.TickerEntity.WatchRearmed;
import io.tickcast.actors.TickerEntity.WebhookDelivered;
import io.tickcast.actors.TickerEntity.WebhookFailed;
import io.tickcast.actors.TickerEntity.WebhookOutcome;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Observation;
import io.tickcast.protocols.WatchView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The watches side of a ticker entity's state: each watch by id, with its trigger and delivery state. */
public record WatchBook(Map<String, WatchState> watches) implements CborSerializable {

  static final WatchBook EMPTY = new WatchBook(Map.of());

  /**
   * @param holding whether the condition held at the last evaluation ({@link WatchTrigger})
   * @param webhook delivery state, kept (empty) for watches without a webhook too
   */
  public record WatchState(Watch watch, boolean holding, long alerts, Instant lastAlertAt, Deliveries webhook)
      implements CborSerializable {

    WatchView view() {
      WatchView.WebhookStatus status =
          watch.delivery().webhook() == null
              ? null
              : new WatchView.WebhookStatus(
                  webhook.pending().size(), webhook.delivered(), webhook.failed(), webhook.lastDeliveredAt(),
                  webhook.lastFailure());
      return new WatchView(
          watch.id(), watch.owner(), watch.ticker(), watch.condition(), watch.cooldown(), watch.delivery(),
          watch.createdAt(), holding, alerts, lastAlertAt, status);
    }
  }

  /** An alert the webhook has not accepted yet, after {@code attempts} failed attempts. */
  public record PendingAlert(AlertUpdate alert, int attempts) implements CborSerializable {}

  public record Deliveries(
      List<PendingAlert> pending, long delivered, long failed, Instant lastDeliveredAt, WatchView.DeliveryFailure lastFailure)
      implements CborSerializable {
    static final Deliveries NONE = new Deliveries(List.of(), 0, 0, null, null);

    private List<PendingAlert> without(String alertId) {
      return pending.stream().filter(p -> !p.alert().alertId().equals(alertId)).toList();
    }
  }

  /** The watches in creation order. */
  List<WatchState> ordered() {
    return watches.values().stream()
        .sorted(Comparator.comparing((WatchState s) -> s.watch().createdAt()).thenComparing(s -> s.watch().id()))
        .toList();
  }

  /** Whether any watch compares an indicator (evaluating those needs the indicator values). */
  boolean readsIndicators() {
    return watches.values().stream().anyMatch(s -> s.watch().condition() instanceof WatchCondition.IndicatorCross);
  }

  /**
   * The events {@code observation} causes: an alert per watch whose condition became true, a
   * re-arm per watch whose condition stopped holding. Alerts are numbered from {@code
   * nextSequenceNr}, the sequence number the first of these events will get.
   */
  List<Event> evaluate(Observation observation, long nextSequenceNr, Instant now) {
    List<Event> events = new ArrayList<>();
    for (WatchState state : ordered()) {
      Watch w = state.watch();
      WatchTrigger.Decision decision =
          WatchTrigger.decide(w.condition(), observation, state.holding(), state.lastAlertAt(), w.cooldown(), now);
      if (decision instanceof WatchTrigger.Fire fire) {
        events.add(
            new AlertFired(
                new AlertUpdate(
                    w.ticker(), nextSequenceNr + events.size(), UUID.randomUUID().toString(), w.id(), w.owner(),
                    w.condition(), fire.value(), observation.bar().start(), now)));
      } else if (decision instanceof WatchTrigger.Rearm) {
        events.add(new WatchRearmed(w.id()));
      }
    }
    return events;
  }

  /** Whether {@code outcome} is news: its alert is still waiting for the webhook. */
  boolean awaits(WebhookOutcome outcome) {
    WatchState state = watches.get(outcome.watchId());
    return state != null && state.webhook().pending().stream().anyMatch(p -> p.alert().alertId().equals(outcome.alertId()));
  }

  WatchBook added(WatchAdded event) {
    Map<String, WatchState> next = new HashMap<>(watches);
    next.put(event.watch().id(), new WatchState(event.watch(), event.holding(), 0, null, Deliveries.NONE));
    return new WatchBook(Map.copyOf(next));
  }

  WatchBook removed(String watchId) {
    Map<String, WatchState> next = new HashMap<>(watches);
    next.remove(watchId);
    return new WatchBook(Map.copyOf(next));
  }

  WatchBook fired(AlertFired event) {
    AlertUpdate alert = event.alert();
    return with(
        alert.watchId(),
        s -> {
          Deliveries webhook = s.webhook();
          if (s.watch().delivery().webhook() != null) {
            List<PendingAlert> pending = new ArrayList<>(webhook.pending());
            pending.add(new PendingAlert(alert, 0));
            webhook = new Deliveries(List.copyOf(pending), webhook.delivered(), webhook.failed(), webhook.lastDeliveredAt(), webhook.lastFailure());
          }
          return new WatchState(s.watch(), true, s.alerts() + 1, alert.firedAt(), webhook);
        });
  }

  WatchBook rearmed(WatchRearmed event) {
    return with(event.watchId(), s -> new WatchState(s.watch(), false, s.alerts(), s.lastAlertAt(), s.webhook()));
  }

  WatchBook delivered(WebhookDelivered event) {
    return withDeliveries(
        event.watchId(),
        d -> new Deliveries(d.without(event.alertId()), d.delivered() + 1, d.failed(), event.at(), d.lastFailure()));
  }

  WatchBook failed(WebhookFailed event) {
    WatchView.DeliveryFailure failure =
        new WatchView.DeliveryFailure(event.alertId(), event.attempt(), event.reason(), event.at(), event.gaveUp());
    return withDeliveries(
        event.watchId(),
        d -> {
          if (event.gaveUp()) {
            return new Deliveries(d.without(event.alertId()), d.delivered(), d.failed() + 1, d.lastDeliveredAt(), failure);
          }
          List<PendingAlert> pending =
              d.pending().stream()
                  .map(p -> p.alert().alertId().equals(event.alertId()) ? new PendingAlert(p.alert(), event.attempt()) : p)
                  .toList();
          return new Deliveries(pending, d.delivered(), d.failed(), d.lastDeliveredAt(), failure);
        });
  }

  private WatchBook withDeliveries(String watchId, UnaryOperator<Deliveries> change) {
    return with(watchId, s -> new WatchState(s.watch(), s.holding(), s.alerts(), s.lastAlertAt(), change.apply(s.webhook())));
  }

  // Events name watches that exist: the command handler checked before persisting them.
  private WatchBook with(String watchId, UnaryOperator<WatchState> change) {
    Map<String, WatchState> next = new HashMap<>(watches);
    next.put(watchId, change.apply(watches.get(watchId)));
    return new WatchBook(Map.copyOf(next));
  }
}
