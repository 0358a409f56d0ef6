package io.tickcast.node;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;

@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Run one cluster node against external Cassandra and Kafka.",
      "Configure with TICKCAST_* environment variables (see README) or -Dconfig.file=..."
    })
final class NodeCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    ActorSystem<Void> system = Node.start(NodeConfig.load(Map.of()));
    Runtime.getRuntime().addShutdownHook(new Thread(system::terminate, "tickcast-node-shutdown"));
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
