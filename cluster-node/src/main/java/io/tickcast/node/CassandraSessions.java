package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import java.util.List;

/** The CqlSessions of the command-line tools (nodes use Pekko Persistence Cassandra's). */
final class CassandraSessions {

  private CassandraSessions() {}

  /** {@code option} if given, else {@code tickcast.cassandra.contact-point} ($TICKCAST_CASSANDRA). */
  static String contactPoint(Config config, String option) {
    return option != null ? option : config.getString("tickcast.cassandra.contact-point");
  }

  /**
   * A session on {@code contactPoint}; the rest of the driver settings come from the
   * datastax-java-driver block of application.conf.
   *
   * @param waitForCassandra retry until Cassandra answers (a schema job started next to it), instead
   *     of failing at once (an interactive command)
   */
  static CqlSession open(String contactPoint, String datacenter, boolean waitForCassandra) {
    // Programmatic options override the datastax-java-driver block of application.conf.
    DriverConfigLoader loader =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(DefaultDriverOption.CONTACT_POINTS, List.of(contactPoint))
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, datacenter)
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, waitForCassandra)
            .build();
    return CqlSession.builder().withConfigLoader(loader).build();
  }
}
