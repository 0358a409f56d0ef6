package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code models} CLI where no Cassandra is needed; the rest is ModelRegistryIT's. */
class ModelsCommandTest {

  @Test
  void tablesPadColumnsToTheirWidestCellWithoutTrailingBlanks() {
    assertThat(ModelsCommand.table(List.of("NAME", "V"), List.of(List.of("a", "1"), List.of("longer", ""))))
        .isEqualTo("NAME    V\na       1\nlonger\n");
  }

  @Test
  void anUnreachableCassandraIsOneLineNotAHang() {
    StringWriter err = new StringWriter();
    int code = run(err, "models", "list", "--cassandra", "127.0.0.1:1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("tickcast: can't reach Cassandra at 127.0.0.1:1 (start it with ./tickcast dev, or pass --cassandra host:port)\n");
  }

  @Test
  void aMissingOrMalformedMetadataFileIsOneLine(@TempDir Path dir) throws Exception {
    StringWriter err = new StringWriter();
    assertThat(run(err, "models", "register", dir.resolve("none.json").toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("tickcast: no such file: " + dir.resolve("none.json") + "\n");

    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": 1");
    StringWriter err2 = new StringWriter();
    assertThat(run(err2, "models", "register", bad.toString())).isEqualTo(2);
    assertThat(err2.toString()).startsWith("tickcast: not model metadata: " + bad).hasLineCount(1);
  }

  @Test
  void anUnknownAliasIsAUsageError() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "models", "promote", "m", "v1", "--alias", "mascot")).isEqualTo(2);
    assertThat(err.toString()).contains("no alias 'mascot': use champion or challenger");
  }

  private static int run(StringWriter err, String... args) {
    return Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true)).execute(args);
  }
}
