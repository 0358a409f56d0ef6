package io.tickcast.actors;

import com.typesafe.config.Config;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ServedModel;
import io.tickcast.protocols.Prediction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Serves predictions of the champion model from a pool of {@link ModelWorker}s, one ONNX Runtime
 * session each, with dynamic micro-batching in the manner of Triton's dynamic batcher: requests (one
 * feature row each) queue here, and a batch of up to {@code max-batch} rows goes to an idle worker
 * once it is full or its oldest request has waited {@code max-queue-delay}. With a delay of zero
 * whatever is queued goes as soon as a worker is free, so batches grow with the load by themselves.
 *
 * <p>Every request is answered exactly once, {@link Predicted} or {@link Unavailable}: at once when
 * no model is served, the bar interval is not the model's, or the queue is full; {@code timeout}
 * when its deadline passes before its batch is formed; {@code inference-failed} when ONNX Runtime
 * fails on its batch, or at once for a row of the wrong width. A worker that stops unexpectedly is
 * replaced and its batch re-queued at the front (once: a request whose worker stops twice is
 * answered {@code inference-failed}).
 *
 * <p>{@link Serve} swaps models without dropping requests: the new champion loads in new workers
 * (on their dispatcher, not here) while the old one keeps serving; then new batches go to the new
 * workers, and the old ones stop after the batch they hold. Each {@link Prediction} names the model
 * version that computed it. A challenger runs in one shadow worker on rows the champion already
 * answered, only while it is idle and nothing is queued, so it never delays the champion; its
 * outputs go to the {@code tickcast.shadow} log, never to requesters.
 */
public final class ModelPool extends AbstractBehavior<ModelPool.Command> {

  public static final String NO_MODEL = "no-model";
  public static final String INTERVAL_MISMATCH = "interval-mismatch";
  public static final String QUEUE_FULL = "queue-full";
  public static final String TIMEOUT = "timeout";
  public static final String INFERENCE_FAILED = "inference-failed";

  /**
   * tickcast.models.pool.
   *
   * @param workers champion workers, each with its own session
   * @param maxQueueDelay kept to the scheduler's tick ({@code pekko.scheduler.tick-duration}) at best
   * @param queueCapacity rows queued (not yet handed to a worker) before requests are refused
   * @param dispatcher config path of the workers' dispatcher ({@code worker-dispatcher}: the
   *     default dispatcher, or {@link #DISPATCHER}, threads of their own for slow models)
   * @param shadowDispatcher config path of the challenger's dispatcher (its own thread)
   */
  public record Settings(
      int workers, int maxBatch, Duration maxQueueDelay, int queueCapacity, String dispatcher, String shadowDispatcher) {

    public static final String DISPATCHER = "tickcast.models.pool.dispatcher";
    public static final String SHADOW_DISPATCHER = "tickcast.models.pool.shadow-dispatcher";

    public Settings {
      if (workers < 1 || maxBatch < 1 || queueCapacity < 1 || maxQueueDelay.isNegative()) {
        throw new IllegalArgumentException(
            "tickcast.models.pool: workers, max-batch and queue-capacity >= 1, max-queue-delay >= 0");
      }
    }

    /** {@code workers = 0} means one per available processor. */
    public static Settings fromConfig(Config tickcast) {
      Config pool = tickcast.getConfig("models.pool");
      int workers = pool.getInt("workers");
      return new Settings(
          workers > 0 ? workers : Runtime.getRuntime().availableProcessors(),
          pool.getInt("max-batch"),
          pool.getDuration("max-queue-delay"),
          pool.getInt("queue-capacity"),
          pool.getString("worker-dispatcher"),
          SHADOW_DISPATCHER);
    }
  }

  // ---- protocol ---------------------------------------------------------------------------

  public sealed interface Command {}

  /**
   * One feature row to predict from.
   *
   * @param lastClose the adjusted close of the {@code asOf} bar
   * @param features in the served model's feature schema order
   * @param deadline when the answer is no longer wanted; rows not yet running then get {@code timeout}
   */
  public record Predict(
      String ticker,
      Instant asOf,
      Duration barInterval,
      double lastClose,
      double[] features,
      Instant deadline,
      ActorRef<PredictReply> replyTo)
      implements Command {}

  /** Serve {@code champion}, shadowed by {@code challenger} (nullable); same versions are kept, not reloaded. */
  public record Serve(ModelArtifact champion, ModelArtifact challenger) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public sealed interface PredictReply permits Predicted, Unavailable {}

  public record Predicted(Prediction prediction) implements PredictReply {}

  /** @param code one of no-model, interval-mismatch, queue-full, timeout, inference-failed */
  public record Unavailable(String code, String reason) implements PredictReply {}

  /**
   * @param championVersion null until a first model is loaded
   * @param challengerVersion the challenger being shadowed (its worker loaded), or null
   * @param workers champion workers ready to serve ({@code workerRefs})
   * @param queuedRows rows waiting for a worker
   * @param loadingVersion a champion being loaded to replace the current one, or null
   * @param busyWorkers workers holding a batch, old champions' included
   * @param workerRestarts workers replaced after stopping unexpectedly
   */
  public record Status(
      String championVersion,
      String challengerVersion,
      int workers,
      int queuedRows,
      long served,
      long rejected,
      Map<String, Long> rejectedByCode,
      String loadingVersion,
      int busyWorkers,
      long batches,
      int largestBatch,
      long shadowed,
      int workerRestarts,
      List<ActorRef<ModelWorker.Command>> workerRefs) {}

  // Worker to pool.
  record WorkerReady(ActorRef<ModelWorker.Command> worker) implements Command {}

  record WorkerLoadFailed(ActorRef<ModelWorker.Command> worker, String reason) implements Command {}

  /** @param outputs the batch's raw outputs, null when it failed (and was answered so) */
  record BatchDone(ActorRef<ModelWorker.Command> worker, double[] outputs) implements Command {}

  record ShadowDone(ActorRef<ModelWorker.Command> worker, int rows) implements Command {}

  private record WorkerStopped(ActorRef<ModelWorker.Command> worker) implements Command {}

  private enum Flush implements Command {
    INSTANCE
  }

  // ---- metrics ----------------------------------------------------------------------------

  private static final Histogram BATCH_SIZE = Kamon.histogram("tickcast.models.batch-size").withoutTags();
  private static final Histogram QUEUE_WAIT =
      Kamon.histogram("tickcast.models.queue-wait", MeasurementUnit.time().nanoseconds()).withoutTags();
  private static final Counter SERVED = Kamon.counter("tickcast.models.served").withoutTags();

  // ---- behaviour --------------------------------------------------------------------------

  public static Behavior<Command> create(Settings settings) {
    return create(settings, Clock.systemUTC());
  }

  /** @param clock for deadlines and {@link Prediction#issuedAt()} */
  public static Behavior<Command> create(Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ModelPool(ctx, timers, settings, clock)));
  }

  private record Pending(Predict request, long enqueuedNanos, boolean requeued) {}

  private record Generation(ModelArtifact model, ServedModel served) {
    String version() {
      return model.metadata().version();
    }
  }

  private static final class Worker {
    final Generation generation;
    boolean ready;
    /** The batch it holds, null when idle. */
    List<Pending> batch;

    Worker(Generation generation) {
      this.generation = generation;
    }
  }

  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final Clock clock;
  private final long maxDelayNanos;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<ActorRef<ModelWorker.Command>, Worker> workers = new HashMap<>();
  /** Ready champion workers without a batch. */
  private final ArrayDeque<ActorRef<ModelWorker.Command>> idle = new ArrayDeque<>();
  private Generation champion;
  /** The champion to be, while its workers load. */
  private Generation loading;
  private Generation challenger;
  private ActorRef<ModelWorker.Command> shadow;
  private long spawned;
  private long served;
  private final Map<String, Long> rejected = new TreeMap<>();
  private long batches;
  private int largestBatch;
  private long shadowed;
  private int restarts;

  private ModelPool(ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.clock = clock;
    this.maxDelayNanos = settings.maxQueueDelay().toNanos();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Predict.class, this::onPredict)
        .onMessage(BatchDone.class, this::onBatchDone)
        .onMessageEquals(Flush.INSTANCE, this::dispatch)
        .onMessage(ShadowDone.class, this::onShadowDone)
        .onMessage(Serve.class, this::onServe)
        .onMessage(WorkerReady.class, this::onWorkerReady)
        .onMessage(WorkerLoadFailed.class, this::onWorkerLoadFailed)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Behavior<Command> onPredict(Predict p) {
    if (champion == null) {
      reject(p, NO_MODEL, "no model is served yet");
    } else if (!champion.served().serves(p.barInterval())) {
      reject(p, INTERVAL_MISMATCH, intervalMismatch(champion, p));
    } else if (p.features().length != champion.model().metadata().featureSchema().size()) {
      // Refused alone: a row of the wrong width would fail the whole batch it joined.
      reject(
          p, INFERENCE_FAILED,
          "expected " + champion.model().metadata().featureSchema().size() + " features, got " + p.features().length);
    } else if (!p.deadline().isAfter(clock.instant())) {
      reject(p, TIMEOUT, "deadline passed before the request was queued");
    } else if (queue.size() >= settings.queueCapacity()) {
      reject(p, QUEUE_FULL, queue.size() + " rows queued");
    } else {
      queue.addLast(new Pending(p, System.nanoTime(), false));
      dispatch();
    }
    return this;
  }

  /** Hands batches to idle workers while there are both and a batch is due. */
  private Behavior<Command> dispatch() {
    while (!idle.isEmpty() && !queue.isEmpty()) {
      if (queue.size() < settings.maxBatch() && maxDelayNanos > 0) {
        long wait = maxDelayNanos - (System.nanoTime() - queue.getFirst().enqueuedNanos());
        if (wait > 0) {
          if (!timers.isTimerActive(Flush.INSTANCE)) {
            timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, Duration.ofNanos(wait));
          }
          break;
        }
      }
      List<Pending> batch = takeBatch();
      if (!batch.isEmpty()) {
        run(idle.poll(), batch);
      }
    }
    return this;
  }

  private List<Pending> takeBatch() {
    Instant now = clock.instant();
    long nowNanos = System.nanoTime();
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), settings.maxBatch()));
    while (batch.size() < settings.maxBatch() && !queue.isEmpty()) {
      Pending p = queue.poll();
      long waited = nowNanos - p.enqueuedNanos();
      QUEUE_WAIT.record(waited);
      if (p.request().deadline().isAfter(now)) {
        batch.add(p);
      } else {
        reject(p.request(), TIMEOUT, "deadline passed after " + Duration.ofNanos(waited).toMillis() + " ms in the queue");
      }
    }
    return batch;
  }

  private void run(ActorRef<ModelWorker.Command> ref, List<Pending> batch) {
    workers.get(ref).batch = batch;
    batches++;
    largestBatch = Math.max(largestBatch, batch.size());
    BATCH_SIZE.record(batch.size());
    ref.tell(new ModelWorker.Run(requests(batch)));
  }

  private Behavior<Command> onBatchDone(BatchDone done) {
    Worker w = workers.get(done.worker());
    List<Pending> batch = w.batch;
    w.batch = null;
    if (done.outputs() != null) {
      served += batch.size();
      SERVED.increment(batch.size());
      shadow(batch, w.generation, done.outputs());
    } else {
      count(INFERENCE_FAILED, batch.size());
    }
    if (w.generation == champion) {
      idle.add(done.worker());
    } else {
      // An old champion's worker: its last batch is answered, so it can go.
      workers.remove(done.worker());
      getContext().stop(done.worker());
    }
    return dispatch();
  }

  /** Offers the challenger a batch the champion answered, if that cannot delay the champion. */
  private void shadow(List<Pending> batch, Generation computedBy, double[] outputs) {
    if (shadow == null || !queue.isEmpty()) {
      return;
    }
    Worker w = workers.get(shadow);
    if (w.ready && w.batch == null) {
      w.batch = batch;
      shadow.tell(new ModelWorker.Shadow(requests(batch), computedBy.version(), outputs));
    }
  }

  private Behavior<Command> onShadowDone(ShadowDone done) {
    Worker w = workers.get(done.worker());
    if (w != null) { // null: a challenger replaced meanwhile
      w.batch = null;
    }
    shadowed += done.rows();
    return this;
  }

  private Behavior<Command> onServe(Serve serve) {
    String version = serve.champion().metadata().version();
    if (loading != null && !loading.version().equals(version)) {
      getContext().getLog().info("Model {} superseded before it finished loading", loading.version());
      stopAll(loading);
      loading = null;
    }
    if (loading == null && (champion == null || !champion.version().equals(version))) {
      loading = generation(serve.champion());
      for (int i = 0; i < settings.workers(); i++) {
        spawn(loading, settings.dispatcher());
      }
    }
    String challengerVersion = serve.challenger() == null ? null : serve.challenger().metadata().version();
    if (challenger == null ? challengerVersion != null : !challenger.version().equals(challengerVersion)) {
      if (shadow != null) {
        workers.remove(shadow);
        getContext().stop(shadow);
        shadow = null;
      }
      challenger = serve.challenger() == null ? null : generation(serve.challenger());
      if (challenger != null) {
        shadow = spawn(challenger, settings.shadowDispatcher());
      }
    }
    return this;
  }

  private Behavior<Command> onWorkerReady(WorkerReady ready) {
    Worker w = workers.get(ready.worker());
    if (w == null) { // stopped while loading: its model was superseded
      return this;
    }
    w.ready = true;
    if (w.generation == champion) {
      idle.add(ready.worker());
      return dispatch();
    }
    if (w.generation == loading && workers.values().stream().allMatch(o -> o.generation != loading || o.ready)) {
      switchToLoading();
    }
    return this;
  }

  private void switchToLoading() {
    Generation old = champion;
    champion = loading;
    loading = null;
    idle.clear();
    for (Iterator<Map.Entry<ActorRef<ModelWorker.Command>, Worker>> it = workers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ActorRef<ModelWorker.Command>, Worker> e = it.next();
      if (e.getValue().generation == champion) {
        idle.add(e.getKey());
      } else if (e.getValue().generation == old && e.getValue().batch == null) {
        it.remove();
        getContext().stop(e.getKey());
      } // else: an old worker with a batch stops once it is answered
    }
    if (old != null && !champion.model().metadata().barInterval().equals(old.model().metadata().barInterval())) {
      queue.removeIf(
          p -> {
            boolean mismatch = !champion.served().serves(p.request().barInterval());
            if (mismatch) {
              reject(p.request(), INTERVAL_MISMATCH, intervalMismatch(champion, p.request()));
            }
            return mismatch;
          });
    }
    getContext().getLog().info(
        "Serving model {} {} on {} workers (was {})",
        champion.model().metadata().name(), champion.version(), idle.size(), old == null ? "none" : old.version());
    dispatch();
  }

  private Behavior<Command> onWorkerLoadFailed(WorkerLoadFailed failed) {
    Worker w = workers.remove(failed.worker());
    if (w == null) {
      return this;
    }
    getContext().getLog().error("Could not load model {}: {}", w.generation.version(), failed.reason());
    if (w.generation == loading) {
      stopAll(loading);
      loading = null;
    } else if (failed.worker().equals(shadow)) {
      shadow = null;
      challenger = null;
    } // else a champion's replacement: the pool serves with one worker fewer, as logged
    return this;
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped stopped) {
    Worker w = workers.remove(stopped.worker());
    if (w == null) { // stopped by this pool
      return this;
    }
    getContext().getLog().warn(
        "Model worker {} stopped unexpectedly{}",
        stopped.worker().path().name(), w.batch == null ? "" : " holding " + w.batch.size() + " rows");
    idle.remove(stopped.worker());
    if (stopped.worker().equals(shadow)) { // its batch was already answered by the champion
      restarts++;
      shadow = spawn(challenger, settings.shadowDispatcher());
      return this;
    }
    if (w.batch != null) {
      requeue(w.batch);
    }
    if (w.generation == champion || w.generation == loading) {
      restarts++;
      spawn(w.generation, settings.dispatcher());
    }
    return dispatch();
  }

  /** Puts a dead worker's batch back at the front, in order, for its first retry only. */
  private void requeue(List<Pending> batch) {
    for (int i = batch.size() - 1; i >= 0; i--) {
      Pending p = batch.get(i);
      if (p.requeued()) {
        reject(p.request(), INFERENCE_FAILED, "the workers running this request stopped twice");
      } else {
        queue.addFirst(new Pending(p.request(), p.enqueuedNanos(), true));
      }
    }
    timers.cancel(Flush.INSTANCE); // the front is older now: its delay is due sooner
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    List<ActorRef<ModelWorker.Command>> refs = new ArrayList<>();
    int busy = 0;
    for (Map.Entry<ActorRef<ModelWorker.Command>, Worker> e : workers.entrySet()) {
      Worker w = e.getValue();
      if (w.generation == champion && w.ready) {
        refs.add(e.getKey());
      }
      if (w.batch != null && !e.getKey().equals(shadow)) {
        busy++;
      }
    }
    boolean shadowing = shadow != null && workers.get(shadow).ready;
    get.replyTo().tell(
        new Status(
            champion == null ? null : champion.version(),
            shadowing ? challenger.version() : null,
            refs.size(),
            queue.size(),
            served,
            rejected.values().stream().mapToLong(Long::longValue).sum(),
            Map.copyOf(rejected),
            loading == null ? null : loading.version(),
            busy,
            batches,
            largestBatch,
            shadowed,
            restarts,
            List.copyOf(refs)));
    return this;
  }

  // ---- helpers ----------------------------------------------------------------------------

  private Generation generation(ModelArtifact model) {
    return new Generation(model, new ServedModel(model.metadata()));
  }

  private ActorRef<ModelWorker.Command> spawn(Generation generation, String dispatcher) {
    ActorRef<ModelWorker.Command> ref =
        getContext().spawn(
            ModelWorker.create(generation.model(), getContext().getSelf(), clock),
            "worker-" + generation.version() + "-" + spawned++,
            DispatcherSelector.fromConfig(dispatcher));
    getContext().watchWith(ref, new WorkerStopped(ref));
    workers.put(ref, new Worker(generation));
    return ref;
  }

  /** Stops a generation's workers; only used for ones that hold no batch (loading). */
  private void stopAll(Generation generation) {
    for (Iterator<Map.Entry<ActorRef<ModelWorker.Command>, Worker>> it = workers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ActorRef<ModelWorker.Command>, Worker> e = it.next();
      if (e.getValue().generation == generation) {
        it.remove();
        getContext().stop(e.getKey());
      }
    }
  }

  private static List<Predict> requests(List<Pending> batch) {
    List<Predict> requests = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      requests.add(p.request());
    }
    return requests;
  }

  private static String intervalMismatch(Generation model, Predict p) {
    return "model " + model.model().metadata().name() + " " + model.version() + " serves "
        + model.model().metadata().barInterval() + " bars, not " + p.barInterval();
  }

  private void reject(Predict p, String code, String reason) {
    p.replyTo().tell(new Unavailable(code, reason));
    count(code, 1);
  }

  private void count(String code, long rows) {
    rejected.merge(code, rows, Long::sum);
    Kamon.counter("tickcast.models.rejected").withTag("code", code).increment(rows);
  }
}
