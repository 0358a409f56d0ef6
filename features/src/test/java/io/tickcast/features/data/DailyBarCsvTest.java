package io.tickcast.features.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tickcast.protocols.Bar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DailyBarCsvTest {

  private static List<Bar> parse(String csv, List<String> problems) throws IOException {
    return DailyBarCsv.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "AAPL", problems::add);
  }

  @Test
  void readsRowsAndReportsBadLinesWithTheirNumber() throws IOException {
    List<String> problems = new ArrayList<>();
    List<Bar> bars =
        parse(
            DailyBarCsv.HEADER
                + "\n2014-06-06,649.9,651.26,644.47,645.57,83.1,12497800,0.0,1.0"
                + "\n2014-06-09,92.7,93.88,91.75,93.7,84.4,75415000,0.0,7.000007"
                + "\n2014-06-10,oops,1,1,1,1,1,0,1"
                + "\n2014-06-11,1,1,1"
                + "\n",
            problems);
    assertThat(bars).hasSize(2);
    assertThat(bars.get(1).start()).isEqualTo(Instant.parse("2014-06-09T00:00:00Z"));
    assertThat(bars.get(1).adjustedClose()).isEqualTo(84.4);
    assertThat(bars.get(1).volume()).isEqualTo(75_415_000L);
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).startsWith("line 4:");
    assertThat(problems.get(1)).startsWith("line 5: expected 9 fields");
  }

  @Test
  void refusesAnUnknownHeader() {
    assertThatThrownBy(() -> parse("date,close\n2020-01-01,1\n", new ArrayList<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unexpected header");
  }

  @Test
  void takesTheTickerFromTheFileName() {
    assertThat(DailyBarCsv.tickerOf(Path.of("data/BRK.B.csv.gz"))).isEqualTo("BRK.B");
    assertThat(DailyBarCsv.tickerOf(Path.of("MSFT.csv"))).isEqualTo("MSFT");
  }
}
