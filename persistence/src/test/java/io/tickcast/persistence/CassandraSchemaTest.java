package io.tickcast.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {

  @Test
  void rendersKeyspaceAndEveryTableThePluginAndTheModelRegistryUse() {
    List<String> statements = CassandraSchema.statements("tc_test", CassandraSchema.DEV_REPLICATION);
    assertThat(statements.get(0)).startsWith("CREATE KEYSPACE IF NOT EXISTS tc_test").contains("SimpleStrategy");
    assertThat(statements.subList(1, statements.size()))
        .allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS tc_test."))
        .anySatisfy(s -> assertThat(s).contains("tc_test.messages"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.snapshots"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.all_persistence_ids"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.metadata"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.model_versions"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.model_aliases"))
        .anySatisfy(s -> assertThat(s).contains("tc_test.model_alias_history").contains("CLUSTERING ORDER BY (at DESC)"));
    assertThat(String.join("\n", statements)).doesNotContain("--").doesNotContain("${");
  }

  @Test
  void refusesAKeyspaceNameThatWouldInjectCql() {
    assertThatThrownBy(() -> CassandraSchema.statements("x; DROP KEYSPACE y", CassandraSchema.DEV_REPLICATION))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
