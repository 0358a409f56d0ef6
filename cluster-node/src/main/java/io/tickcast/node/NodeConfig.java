package io.tickcast.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Loads the node's configuration with programmatic overrides applied before resolution. */
public final class NodeConfig {

  private NodeConfig() {}

  /**
   * {@code overrides} win over application.conf (and so reach every {@code ${...}} that refers to
   * them, e.g. the Cassandra driver's contact points); system properties win over both.
   */
  public static Config load(Map<String, ?> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
  }
}
