package io.tickcast.node;

import com.typesafe.config.ConfigFactory;
import io.tickcast.actors.ModelPool;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.OnnxPredictor;
import io.tickcast.model.ServedModel;
import io.tickcast.protocols.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Model serving benchmark on this machine: the same model run by plain ONNX Runtime calls (one
 * session per thread, back to back: the baseline), by the same calls followed by building each
 * {@code Prediction} as the workers do, and through a {@link ModelPool} with as many workers, per
 * batch size, in the same run. Pool clients keep twice the pool's batch capacity in flight, one
 * row per request. An echo actor that answers each request with a ready-made prediction, no
 * inference, gives the floor any actor-based server with one request and one reply per row has on
 * this machine. All are measured in alternating short slices, best slice kept, so that load from
 * other processes does not favour whichever ran at a quiet moment.
 */
@Command(
    name = "bench-models",
    mixinStandardHelpOptions = true,
    description = "Measure predictions/s and latency through the model pool against raw ONNX Runtime calls.")
final class BenchModelsCommand implements Callable<Integer> {

  private static final Instant AS_OF = Instant.parse("2021-04-20T00:00:00Z");
  private static final Duration WARM_UP = Duration.ofMillis(150);

  @Option(names = "--model", description = "model.json of the model to serve (default: the shipped model).")
  Path model;

  @Option(names = "--batch-sizes", split = ",", description = "Default: ${DEFAULT-VALUE}", defaultValue = "1,2,4,8,16,32,64,128,256")
  List<Integer> batchSizes;

  @Option(names = "--workers", description = "Pool workers and raw threads (default: one per core).")
  Integer workers;

  @Option(names = "--slice", description = "Measured time of one slice. Default: ${DEFAULT-VALUE}", defaultValue = "300ms")
  Duration slice;

  @Option(names = "--rounds", description = "Slices per measurement; the best counts. Default: ${DEFAULT-VALUE}", defaultValue = "5")
  int rounds;

  @Option(names = "--delays", split = ",", description = "max-queue-delay values compared. Default: ${DEFAULT-VALUE}", defaultValue = "0ms,1ms,5ms")
  List<Duration> delays;

  @Option(names = "--delay-batch", description = "max-batch while comparing delays. Default: ${DEFAULT-VALUE}", defaultValue = "64")
  int delayBatch;

  @Override
  public Integer call() throws Exception {
    ModelArtifact served = model == null ? ModelArtifact.loadDefault() : ModelArtifact.load(ProjectPaths.resolve(model));
    int threads = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    double[][] rows = rows(served, 4096);
    System.out.printf(
        "model %s %s (%s); %d workers and raw threads on %d cores; best of %d slices of %d ms%n",
        served.metadata().name(), served.metadata().version(), served.metadata().kind(), threads,
        Runtime.getRuntime().availableProcessors(), rounds, slice.toMillis());

    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(
            SpawnProtocol.create(),
            "bench-models",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(NodeConfig.load(Map.of())));
    try {
      // The workers run where the node runs them (tickcast.models.pool.worker-dispatcher).
      String dispatcher = system.settings().config().getString("tickcast.models.pool.worker-dispatcher");
      System.out.printf("pool workers on %s%n", dispatcher);
      ActorRef<ModelPool.Command> echo = spawn(system, echo(served));
      System.out.printf(
          "%n%5s %11s %11s %11s %11s %6s %6s %6s %6s %10s %10s %10s %10s%n",
          "batch", "raw", "raw+build", "echo", "pool", "pool/", "pool/", "pool/", "mean", "pool p50", "pool p99", "raw p50",
          "raw p99");
      System.out.printf(
          "%5s %11s %11s %11s %11s %6s %6s %6s %6s %10s %10s %10s %10s%n",
          "", "rows/s", "rows/s", "rows/s", "rows/s", "raw", "build", "echo", "batch", "/request", "/request", "/call", "/call");
      double bestPool = 0;
      int bestBatch = 0;
      double bestRatio = 0;
      for (int batch : batchSizes) {
        ActorRef<ModelPool.Command> pool = startPool(system, served, settings(dispatcher, threads, batch, Duration.ZERO));
        Run raw = null;
        Run build = null;
        Run echoed = null;
        Run pooled = null;
        for (int round = 0; round < rounds; round++) {
          raw = best(raw, raw(served, rows, batch, threads, false));
          build = best(build, raw(served, rows, batch, threads, true));
          echoed = best(echoed, load(system, echo, served, rows, 2 * threads * batch));
          pooled = best(pooled, load(system, pool, served, rows, 2 * threads * batch));
        }
        double meanBatch = meanBatch(system, pool);
        System.out.printf(
            "%5d %,11.0f %,11.0f %,11.0f %,11.0f %6.2f %6.2f %6.2f %6.1f %10s %10s %10s %10s%n",
            batch, raw.rate, build.rate, echoed.rate, pooled.rate, pooled.rate / raw.rate, pooled.rate / build.rate,
            pooled.rate / echoed.rate, meanBatch, micros(pooled.p50), micros(pooled.p99), micros(raw.p50), micros(raw.p99));
        if (pooled.rate > bestPool) {
          bestPool = pooled.rate;
          bestBatch = batch;
          bestRatio = pooled.rate / raw.rate;
        }
      }
      System.out.printf("pool at its best max-batch (%d): %,.0f rows/s, %.2f of raw%n", bestBatch, bestPool, bestRatio);

      // One request at a time: what a prediction costs end to end through the pool, beyond the call.
      ActorRef<ModelPool.Command> idle = startPool(system, served, settings(dispatcher, threads, delayBatch, Duration.ZERO));
      Run rawAlone = null;
      Run poolAlone = null;
      for (int round = 0; round < rounds; round++) {
        rawAlone = best(rawAlone, raw(served, rows, 1, 1, false));
        poolAlone = best(poolAlone, load(system, idle, served, rows, 1));
      }
      System.out.printf(
          "%none request at a time: pool p50 %s p99 %s, raw call p50 %s p99 %s: the pool adds p50 %s, p99 %s%n",
          micros(poolAlone.p50), micros(poolAlone.p99), micros(rawAlone.p50), micros(rawAlone.p99),
          micros(poolAlone.p50 - rawAlone.p50), micros(poolAlone.p99 - rawAlone.p99));

      System.out.printf("%nmax-queue-delay at max-batch %d%n", delayBatch);
      System.out.printf("%9s %9s %11s %6s %10s %10s%n", "delay", "in flight", "rows/s", "batch", "p50", "p99");
      for (int inFlight : List.of(threads, 8 * threads, 2 * threads * delayBatch)) {
        for (Duration delay : delays) {
          ActorRef<ModelPool.Command> pool = startPool(system, served, settings(dispatcher, threads, delayBatch, delay));
          Run run = null;
          for (int round = 0; round < rounds; round++) {
            run = best(run, load(system, pool, served, rows, inFlight));
          }
          System.out.printf(
              "%9s %9d %,11.0f %6.1f %10s %10s%n",
              micros(delay.toNanos()), inFlight, run.rate, meanBatch(system, pool), micros(run.p50), micros(run.p99));
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return 0;
  }

  /** Rows/s of one slice, and its latency percentiles in ns. */
  private record Run(double rate, long p50, long p99) {}

  private static Run best(Run a, Run b) {
    return a == null || b.rate > a.rate ? b : a;
  }

  private static ModelPool.Settings settings(String dispatcher, int workers, int maxBatch, Duration delay) {
    return new ModelPool.Settings(workers, maxBatch, delay, 1 << 20, dispatcher, ModelPool.Settings.SHADOW_DISPATCHER);
  }

  /**
   * {@code threads} sessions calling ORT back to back on batches of {@code batch} rows, then
   * building each row's prediction when {@code build}.
   */
  private Run raw(ModelArtifact model, double[][] rows, int batch, int threads, boolean build) throws Exception {
    int width = model.metadata().featureSchema().size();
    ServedModel served = new ServedModel(model.metadata());
    long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
    long from = start + WARM_UP.toNanos();
    long to = from + slice.toNanos();
    LongList[] latencies = new LongList[threads];
    long[] counted = new long[threads];
    CountDownLatch done = new CountDownLatch(threads);
    List<Exception> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      latencies[t] = new LongList();
      new Thread(
              () -> {
                try (OnnxPredictor predictor = OnnxPredictor.load(model.onnx(), width)) {
                  double[][][] batches = batches(rows, batch, thread);
                  while (System.nanoTime() < start) {
                    Thread.onSpinWait();
                  }
                  for (int i = 0; ; i++) {
                    long t0 = System.nanoTime();
                    if (t0 >= to) {
                      break;
                    }
                    double[][] x = batches[i % batches.length];
                    double[] y = predictor.predict(x);
                    if (build) {
                      Instant now = Instant.now();
                      for (int r = 0; r < y.length; r++) {
                        served.prediction("X", AS_OF, 100.0, x[r], y[r], now);
                      }
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= from && t1 <= to) {
                      latencies[thread].add(t1 - t0);
                      counted[thread] += batch;
                    }
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                } finally {
                  done.countDown();
                }
              },
              "raw-ort-" + t)
          .start();
    }
    done.await();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    long[] all = LongList.sorted(latencies);
    return new Run(Arrays.stream(counted).sum() / (slice.toNanos() / 1e9), percentile(all, 0.50), percentile(all, 0.99));
  }

  /**
   * A pool serving {@code model} on all its workers. Pools are left idle after their runs (a pool
   * has no stop command): idle, they cost nothing until the system terminates.
   */
  private static ActorRef<ModelPool.Command> startPool(
      ActorSystem<SpawnProtocol.Command> system, ModelArtifact model, ModelPool.Settings settings) throws Exception {
    ActorRef<ModelPool.Command> pool = spawn(system, ModelPool.create(settings));
    pool.tell(new ModelPool.Serve(model, null));
    while (status(system, pool).workers() < settings.workers()) {
      Thread.sleep(10);
    }
    return pool;
  }

  /** One slice with {@code inFlight} single-row requests outstanding at all times. */
  private Run load(
      ActorSystem<SpawnProtocol.Command> system, ActorRef<ModelPool.Command> pool, ModelArtifact model, double[][] rows,
      int inFlight) throws Exception {
    long from = System.nanoTime() + WARM_UP.toNanos();
    long to = from + slice.toNanos();
    int clients = Math.min(inFlight, Runtime.getRuntime().availableProcessors());
    List<CompletableFuture<LongList>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<LongList> result = new CompletableFuture<>();
      int slots = inFlight / clients + (c < inFlight % clients ? 1 : 0);
      spawn(system, client(pool, model, rows, slots, c * 1021, from, to, result));
      results.add(result);
    }
    LongList[] latencies = new LongList[clients];
    for (int c = 0; c < clients; c++) {
      latencies[c] = results.get(c).get(slice.toSeconds() + 60, TimeUnit.SECONDS);
    }
    long[] all = LongList.sorted(latencies);
    return new Run(all.length / (slice.toNanos() / 1e9), percentile(all, 0.50), percentile(all, 0.99));
  }

  /**
   * Keeps {@code slots} requests in flight, each sent again as soon as it is answered, until
   * {@code to}; completes with the latencies of the answers received between {@code from} and
   * {@code to}. A slot's ticker is its index, which finds its send time again in the answer.
   */
  private static Behavior<ModelPool.PredictReply> client(
      ActorRef<ModelPool.Command> pool, ModelArtifact model, double[][] rows, int slots, int firstRow, long from, long to,
      CompletableFuture<LongList> result) {
    return Behaviors.setup(
        ctx -> {
          Duration interval = model.metadata().barInterval();
          Instant deadline = Instant.now().plus(Duration.ofDays(1));
          long[] sentAt = new long[slots];
          ModelPool.Predict[] requests = new ModelPool.Predict[slots];
          for (int s = 0; s < slots; s++) {
            requests[s] =
                new ModelPool.Predict(
                    Integer.toString(s), AS_OF, interval, 100.0, rows[(firstRow + s) % rows.length], deadline, ctx.getSelf());
            sentAt[s] = System.nanoTime();
            pool.tell(requests[s]);
          }
          LongList latencies = new LongList();
          int[] outstanding = {slots};
          return Behaviors.receive(ModelPool.PredictReply.class)
              .onMessage(
                  ModelPool.Predicted.class,
                  p -> {
                    long now = System.nanoTime();
                    int s = Integer.parseInt(p.prediction().ticker());
                    if (now >= from && now <= to) {
                      latencies.add(now - sentAt[s]);
                    }
                    if (now < to) {
                      sentAt[s] = now;
                      pool.tell(requests[s]);
                      return Behaviors.same();
                    }
                    if (--outstanding[0] > 0) {
                      return Behaviors.same();
                    }
                    result.complete(latencies);
                    return Behaviors.stopped();
                  })
              .onMessage(
                  ModelPool.Unavailable.class,
                  u -> {
                    result.completeExceptionally(new IllegalStateException(u.code() + ": " + u.reason()));
                    return Behaviors.stopped();
                  })
              .build();
        });
  }

  /** Answers every request at once with a prediction built beforehand: messaging, no inference. */
  private static Behavior<ModelPool.Command> echo(ModelArtifact model) {
    ServedModel served = new ServedModel(model.metadata());
    double[] features = new double[model.metadata().featureSchema().size()];
    Arrays.fill(features, 0.01);
    Prediction template = served.prediction("0", AS_OF, 100.0, features, 0.0, Instant.now());
    Map<String, ModelPool.Predicted> answers = new HashMap<>();
    return Behaviors.receive(ModelPool.Command.class)
        .onMessage(
            ModelPool.Predict.class,
            p -> {
              ModelPool.Predicted answer = answers.get(p.ticker());
              if (answer == null) {
                answer = new ModelPool.Predicted(withTicker(template, p.ticker()));
                answers.put(p.ticker(), answer);
              }
              p.replyTo().tell(answer);
              return Behaviors.same();
            })
        .build();
  }

  private static Prediction withTicker(Prediction p, String ticker) {
    return new Prediction(
        ticker, p.asOf(), p.horizon(), p.lastClose(), p.expectedReturn(), p.expectedPrice(), p.intervals(),
        p.directionProbability(), p.model(), p.modelVersion(), p.features(), p.issuedAt());
  }

  private static <T> ActorRef<T> spawn(ActorSystem<SpawnProtocol.Command> system, Behavior<T> behavior) throws Exception {
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(
            system, replyTo -> new SpawnProtocol.Spawn<>(behavior, "", Props.empty(), replyTo), Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static ModelPool.Status status(ActorSystem<?> system, ActorRef<ModelPool.Command> pool) throws Exception {
    return AskPattern.<ModelPool.Command, ModelPool.Status>ask(pool, ModelPool.GetStatus::new, Duration.ofSeconds(10), system.scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Rows per batch the pool formed over all its runs. */
  private static double meanBatch(ActorSystem<?> system, ActorRef<ModelPool.Command> pool) throws Exception {
    ModelPool.Status status = status(system, pool);
    return (double) status.served() / status.batches();
  }

  /** Plausible feature rows: small returns and ratios, a positive volatility. */
  private static double[][] rows(ModelArtifact model, int n) {
    Random random = new Random(42);
    int width = model.metadata().featureSchema().size();
    int volatility = model.metadata().featureSchema().indexOf("volatility_20");
    double[][] rows = new double[n][width];
    for (double[] row : rows) {
      Arrays.setAll(row, j -> j == volatility ? 0.005 + 0.03 * random.nextDouble() : random.nextGaussian() * 0.05);
    }
    return rows;
  }

  /** Distinct batches of {@code batch} rows, so no two consecutive calls see the same input. */
  private static double[][][] batches(double[][] rows, int batch, int offset) {
    double[][][] batches = new double[16][batch][];
    for (int b = 0; b < batches.length; b++) {
      for (int r = 0; r < batch; r++) {
        batches[b][r] = rows[(offset * 1021 + b * batch + r) % rows.length];
      }
    }
    return batches;
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
  }

  private static String micros(long nanos) {
    return String.format("%.1f µs", nanos / 1e3);
  }

  /** A growable long array: a million latencies without boxing. */
  private static final class LongList {
    private long[] values = new long[1 << 12];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    /** The values of all lists, sorted. */
    static long[] sorted(LongList[] lists) {
      long[] all = new long[Arrays.stream(lists).mapToInt(l -> l.size).sum()];
      int at = 0;
      for (LongList l : lists) {
        System.arraycopy(l.values, 0, all, at, l.size);
        at += l.size;
      }
      Arrays.sort(all);
      return all;
    }
  }
}
