package io.tickcast.node;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.ActorMaterializer;
import org.apache.pekko.stream.ActorMaterializerSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The materializer of the HTTP API's connection streams: they run on {@link #DISPATCHER}, the
 * dispatcher Pekko IO's TCP connection actors use as well ({@code pekko.io.tcp.worker-dispatcher}
 * in application.conf). With both on one thread a query stays on it from socket read to answer
 * written; by default they run on three pools (selector, internal dispatcher, default
 * dispatcher), and the hand-offs between them cost more CPU than the query itself (README,
 * "Performance": 9.5 instead of 3.6 context switches and 0.35 instead of 0.2 ms CPU per query).
 * Only the API moves: Kafka ingest, projections and the entities keep the default dispatcher.
 */
final class HttpServerMaterializer {

  /** Config path of the dispatcher (tickcast.http.dispatcher in application.conf). */
  static final String DISPATCHER = "tickcast.http.dispatcher";

  private HttpServerMaterializer() {}

  // Pekko 1.x has no non-deprecated way to give one materializer its own default dispatcher:
  // the alternative, pekko.stream.materializer.dispatcher, would move every stream of the node.
  @SuppressWarnings("deprecation")
  static Materializer create(ActorSystem<?> system) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    return ActorMaterializer.create(ActorMaterializerSettings.create(classic).withDispatcher(DISPATCHER), classic, "http");
  }
}
