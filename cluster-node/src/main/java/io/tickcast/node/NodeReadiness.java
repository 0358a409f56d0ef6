package io.tickcast.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check ({@code GET /ready} on the management port): the node is
 * ready once its HTTP API is bound and its Kafka consumer runs. Cluster membership is checked by
 * pekko-management's own cluster check next to this one.
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {

  private final NodeStatus status;

  public NodeReadiness(ActorSystem system) {
    this.status = NodeStatus.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(status.ready());
  }
}
