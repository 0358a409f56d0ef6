package io.tickcast.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** What this node has brought up so far; read by {@link NodeReadiness}. */
public final class NodeStatus implements Extension {

  private static final ExtensionId<NodeStatus> ID =
      new ExtensionId<>() {
        @Override
        public NodeStatus createExtension(ActorSystem<?> system) {
          return new NodeStatus();
        }
      };

  public static NodeStatus get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Completes with the bound port once the HTTP API accepts connections. */
  public final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
  /** Completes once the HTTP warm-up ran (or was skipped); see {@link HttpWarmUp}. */
  final CompletableFuture<HttpWarmUp.Result> httpWarmUp = new CompletableFuture<>();

  final AtomicBoolean ingestRunning = new AtomicBoolean();
  final AtomicBoolean ingestEnabled = new AtomicBoolean();

  private volatile IngestStats ingestStats;

  /** What the node's Kafka consumer did so far (null before the node wired it). */
  public IngestStats ingestStats() {
    return ingestStats;
  }

  void ingestStats(IngestStats stats) {
    this.ingestStats = stats;
  }

  boolean ready() {
    boolean httpBound = httpPort.isDone() && !httpPort.isCompletedExceptionally();
    return httpBound && httpWarmUp.isDone() && (!ingestEnabled.get() || ingestRunning.get());
  }
}
