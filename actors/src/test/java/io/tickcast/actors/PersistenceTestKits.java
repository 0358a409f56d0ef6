package io.tickcast.actors;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** An actor test kit with in-memory journal and snapshot store and the project's CBOR bindings. */
final class PersistenceTestKits {

  private PersistenceTestKits() {}

  static ActorTestKit create() {
    return ActorTestKit.create(
        EventSourcedBehaviorTestKit.config()
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.parseResources("serialization.conf"))
            .withFallback(ConfigFactory.load()));
  }
}
