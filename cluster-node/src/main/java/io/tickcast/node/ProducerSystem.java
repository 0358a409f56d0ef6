package io.tickcast.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A local (non-cluster) actor system for commands that only produce to Kafka. */
record ProducerSystem(ActorSystem<Void> system) implements AutoCloseable {

  static ProducerSystem start(Config config) {
    return new ProducerSystem(
        ActorSystem.create(
            Behaviors.empty(), "tickcast-replay", config.withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("local"))));
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
