package io.tickcast.actors;

import ai.onnxruntime.OrtException;
import io.tickcast.actors.ModelPool.Predict;
import io.tickcast.actors.ModelPool.Predicted;
import io.tickcast.actors.ModelPool.Unavailable;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.OnnxPredictor;
import io.tickcast.model.ServedModel;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import kamon.Kamon;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session of one model version, owned by a {@link ModelPool}, which hands it one
 * batch at a time and only while it is idle. ORT computes on the calling thread: the pool's
 * {@code worker-dispatcher} decides whose (the default dispatcher for fast models, threads of their
 * own for slow ones). A worker answers its requests itself: building the predictions (exp, the
 * normal CDF) then runs in parallel on the workers' threads instead of in the single pool actor.
 *
 * <p>The session is loaded and run once on a zero row before the worker reports ready, so a model
 * whose graph cannot run this build's feature vectors is refused at {@code Serve} time, not on live
 * requests. A failing batch is answered {@code inference-failed} and the session kept.
 */
public final class ModelWorker extends AbstractBehavior<ModelWorker.Command> {

  /** One JSON line per shadow prediction: champion and challenger output for the same row. */
  static final Logger SHADOW_LOG = LoggerFactory.getLogger("tickcast.shadow");

  private static final Histogram INFERENCE_TIME = inferenceTime("champion");
  private static final Histogram SHADOW_INFERENCE_TIME = inferenceTime("challenger");

  public sealed interface Command {}

  /** Predict every request and answer it; then report to the pool. */
  record Run(List<Predict> requests) implements Command {}

  /** Challenger work: rows the champion already answered, logged and never sent to requesters. */
  record Shadow(List<Predict> requests, String championVersion, double[] championOutputs) implements Command {}

  static Behavior<Command> create(ModelArtifact model, ActorRef<ModelPool.Command> pool, Clock clock) {
    return Behaviors.setup(
        ctx -> {
          OnnxPredictor predictor;
          try {
            predictor = load(model);
          } catch (OrtException | RuntimeException e) {
            pool.tell(new ModelPool.WorkerLoadFailed(ctx.getSelf(), String.valueOf(e.getMessage())));
            return Behaviors.stopped();
          }
          pool.tell(new ModelPool.WorkerReady(ctx.getSelf()));
          return new ModelWorker(ctx, new ServedModel(model.metadata()), predictor, pool, clock);
        });
  }

  private static OnnxPredictor load(ModelArtifact model) throws OrtException {
    int width = model.metadata().featureSchema().size();
    OnnxPredictor predictor = OnnxPredictor.load(model.onnx(), width);
    try {
      predictor.predict(new double[1][width]);
      return predictor;
    } catch (OrtException | RuntimeException e) {
      predictor.close();
      throw e;
    }
  }

  private final ServedModel served;
  private final OnnxPredictor predictor;
  private final ActorRef<ModelPool.Command> pool;
  private final Clock clock;

  private ModelWorker(
      ActorContext<Command> ctx, ServedModel served, OnnxPredictor predictor, ActorRef<ModelPool.Command> pool, Clock clock) {
    super(ctx);
    this.served = served;
    this.predictor = predictor;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Shadow.class, this::onShadow)
        .onSignal(PostStop.class, s -> closeSession())
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    List<Predict> requests = run.requests();
    double[] outputs;
    Prediction[] predictions = new Prediction[requests.size()];
    try {
      outputs = infer(requests, INFERENCE_TIME);
      Instant issuedAt = clock.instant();
      for (int i = 0; i < predictions.length; i++) {
        Predict r = requests.get(i);
        predictions[i] = served.prediction(r.ticker(), r.asOf(), r.lastClose(), r.features(), outputs[i], issuedAt);
      }
    } catch (OrtException | RuntimeException e) {
      String reason = "model " + served.metadata().version() + ": " + e.getMessage();
      getContext().getLog().warn("Inference failed for a batch of {}: {}", requests.size(), reason);
      for (Predict r : requests) {
        r.replyTo().tell(new Unavailable(ModelPool.INFERENCE_FAILED, reason));
      }
      pool.tell(new ModelPool.BatchDone(getContext().getSelf(), null));
      return this;
    }
    // Answers only once every row is computed: a batch is answered whole, or wholly re-run.
    for (int i = 0; i < predictions.length; i++) {
      requests.get(i).replyTo().tell(new Predicted(predictions[i]));
    }
    pool.tell(new ModelPool.BatchDone(getContext().getSelf(), outputs));
    return this;
  }

  private Behavior<Command> onShadow(Shadow shadow) {
    List<Predict> requests = shadow.requests();
    double[] outputs;
    try {
      outputs = infer(requests, SHADOW_INFERENCE_TIME);
    } catch (OrtException | RuntimeException e) {
      getContext().getLog().warn("Challenger {} failed on a shadow batch: {}", served.metadata().version(), e.getMessage());
      pool.tell(new ModelPool.ShadowDone(getContext().getSelf(), 0));
      return this;
    }
    if (SHADOW_LOG.isInfoEnabled()) {
      for (int i = 0; i < outputs.length; i++) {
        Predict r = requests.get(i);
        SHADOW_LOG.info(
            Json.MAPPER.createObjectNode()
                .put("ticker", r.ticker())
                .put("asOf", r.asOf().toString())
                .put("championVersion", shadow.championVersion())
                .put("championOutput", shadow.championOutputs()[i])
                .put("challengerVersion", served.metadata().version())
                .put("challengerOutput", outputs[i])
                .toString());
      }
    }
    pool.tell(new ModelPool.ShadowDone(getContext().getSelf(), outputs.length));
    return this;
  }

  private double[] infer(List<Predict> requests, Histogram timing) throws OrtException {
    double[][] x = new double[requests.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = requests.get(i).features();
    }
    long start = System.nanoTime();
    double[] y = predictor.predict(x);
    timing.record(System.nanoTime() - start);
    return y;
  }

  private static Histogram inferenceTime(String role) {
    return Kamon.histogram("tickcast.models.inference-time", MeasurementUnit.time().nanoseconds()).withTag("role", role);
  }

  private Behavior<Command> closeSession() {
    try {
      predictor.close();
    } catch (OrtException e) {
      getContext().getLog().warn("Closing the ONNX session of {} failed: {}", served.metadata().version(), e.getMessage());
    }
    return this;
  }
}
