package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickFileTest {

  private static final String HEADER = TickReader.HEADER;

  private static List<Trade> readAll(TickFile file, TradingSession session, ReplayTally tally) throws IOException {
    List<Trade> trades = new ArrayList<>();
    try (TickReader reader = file.open(session, tally)) {
      for (Trade trade = reader.next(); trade != null; trade = reader.next()) {
        trades.add(trade);
      }
    }
    return trades;
  }

  @Test
  void ibmRegularSessionKeepsExactlyTheUnflaggedPrintsFrom0930To1600() throws IOException {
    TickFile file = TickData.tickFile("IBM", "20131007");
    long rows = TickData.countRows(file, row -> true);
    long expected = TickData.countRows(file, row -> TickData.notSuspicious(row) && TickData.inRegularSession(row));
    long flagged = TickData.countRows(file, row -> !TickData.notSuspicious(row));

    ReplayTally tally = new ReplayTally();
    List<Trade> trades = readAll(file, TradingSession.REGULAR, tally);

    assertThat(expected).isEqualTo(24_106); // pins the oracle to the data set's known count
    assertThat(trades).hasSize((int) expected);
    ReplayResult result = tally.result();
    assertThat(result.badLines()).isZero();
    assertThat(result.filtered())
        .containsEntry(TickReader.OUTSIDE_SESSION, rows - flagged - expected)
        .doesNotContainKey(TickReader.SUSPICIOUS);
    assertThat(trades.size() + result.filteredTotal()).isEqualTo(rows);
    assertThat(trades).extracting(Trade::ticker).containsOnly("IBM");
    assertThat(trades.get(0).time()).isAfterOrEqualTo(Instant.parse("2013-10-07T13:30:00Z"));
    assertThat(trades.get(trades.size() - 1).time()).isBefore(Instant.parse("2013-10-07T20:00:00Z"));
  }

  @Test
  void extendedSessionKeepsEveryUnflaggedPrintWithItsFieldsAndLineSequence() throws IOException {
    TickFile file = TickData.tickFile("IBM", "20131007");
    long expected = TickData.countRows(file, TickData::notSuspicious);

    List<Trade> trades = readAll(file, TradingSession.EXTENDED, new ReplayTally());

    assertThat(trades).hasSize((int) expected);
    // First data line: 2013-10-07T04:00:30.270-04:00,1381132830270,181.52,283,P,20002020,0
    assertThat(trades.get(0))
        .isEqualTo(
            new Trade("IBM", Instant.ofEpochMilli(1381132830270L), 181.52, 283, 20131007L * 10_000_000 + 2, "P", "20002020"));
    for (int i = 1; i < trades.size(); i++) {
      assertThat(trades.get(i).sequence()).isGreaterThan(trades.get(i - 1).sequence());
    }
  }

  @Test
  void suspiciousPrintsAreCountedNotSilentlyDropped() throws IOException {
    // The only file in the set with flagged prints (10 block prints after the close).
    TickFile file = TickData.tickFile("SPY", "20131010");
    long flagged = TickData.countRows(file, row -> !TickData.notSuspicious(row));
    long kept = TickData.countRows(file, TickData::notSuspicious);

    ReplayTally tally = new ReplayTally();
    long read = 0;
    try (TickReader reader = file.open(TradingSession.EXTENDED, tally)) {
      while (reader.next() != null) {
        read++;
      }
    }

    assertThat(flagged).isEqualTo(10);
    assertThat(read).isEqualTo(kept);
    assertThat(tally.result().filtered()).isEqualTo(Map.of(TickReader.SUSPICIOUS, flagged));
  }

  @Test
  void badLinesAreCountedAndSkippedWithoutShiftingTheSequence(@TempDir Path dir) throws IOException {
    TickFile file =
        TickFile.of(
            TickData.writeGzip(
                dir.resolve("XYZ_20131007_trade.csv.gz"),
                List.of(
                    HEADER,
                    "2013-10-07T09:30:00.000-04:00,1381152600000,10.5,100,N,1,0", // line 2: kept
                    "2013-10-07T09:30:00.001-04:00,1381152600001,10.5,100,N,1", // 6 fields
                    "2013-10-07T09:30:00.002-04:00,1381152600002,10.5,100,N,1,0,7", // 8 fields
                    "2013-10-07T09:30:00.003-04:00,1381152600003,ten,100,N,1,0", // price not a number
                    "2013-10-07T09:30:00.004-04:00,1381152600004,-1,100,N,1,0", // negative price
                    "2013-10-07T09:30:00.005-04:00,1381152600005,10.5,0,N,1,0", // zero size
                    "2013-10-08T09:30:00.000-04:00,1381239000000,10.5,100,N,1,0", // next day
                    "2013-10-07T09:30:00.006-04:00,1381152600006,10.5,100,N,1,2", // flag not 0/1
                    "",
                    "2013-10-07T09:30:00.007-04:00,1381152600007,10.5,100,N,1,1", // line 11: suspicious
                    "2013-10-07T17:00:00.000-04:00,1381179600000,10.5,100,N,1,0", // line 12: after hours
                    "2013-10-07T15:59:59.999-04:00,1381175999999,10.75,300,,,0"))); // line 13: kept

    ReplayTally tally = new ReplayTally();
    List<Trade> trades = readAll(file, TradingSession.REGULAR, tally);

    assertThat(trades)
        .extracting(Trade::sequence)
        .containsExactly(20131007L * 10_000_000 + 2, 20131007L * 10_000_000 + 13);
    assertThat(trades.get(1).exchange()).isEmpty();
    assertThat(trades.get(1).condition()).isEmpty();
    ReplayResult result = tally.result();
    assertThat(result.badLines()).isEqualTo(7);
    assertThat(result.filtered()).isEqualTo(Map.of(TickReader.SUSPICIOUS, 1L, TickReader.OUTSIDE_SESSION, 1L));
  }

  @Test
  void aFileWithAnotherHeaderDoesNotOpen(@TempDir Path dir) {
    TickFile file =
        TickFile.of(TickData.writeGzip(dir.resolve("XYZ_20131007_trade.csv.gz"), List.of("time,price,size", "1,2,3")));

    assertThatThrownBy(() -> file.open(TradingSession.EXTENDED, new ReplayTally()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unexpected header");
  }

  @Test
  void fileNamesGiveTickerAndDateAndFindSelectsTradeFiles() {
    assertThat(TickFile.of(Path.of("/x/SPY_20131008_trade.csv.gz")))
        .isEqualTo(new TickFile(Path.of("/x/SPY_20131008_trade.csv.gz"), "SPY", LocalDate.of(2013, 10, 8)));
    assertThatThrownBy(() -> TickFile.of(Path.of("IBM_20131007_quote.csv.gz"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TickFile.of(Path.of("IBM_20131399_trade.csv.gz"))).isInstanceOf(IllegalArgumentException.class);

    List<TickFile> found =
        TickFile.find(List.of(TickData.tickDir()), Set.of("IBM", "AIG"), LocalDate.of(2013, 10, 8), LocalDate.of(2013, 10, 9));

    assertThat(found)
        .extracting(f -> f.ticker() + "_" + f.date())
        .containsExactly("AIG_2013-10-08", "AIG_2013-10-09", "IBM_2013-10-08", "IBM_2013-10-09");
  }

  @Test
  void sequenceIncreasesAcrossDays() {
    TickFile monday = TickFile.of(Path.of("SPY_20131007_trade.csv.gz"));
    TickFile tuesday = TickFile.of(Path.of("SPY_20131008_trade.csv.gz"));

    assertThat(monday.sequence(2)).isEqualTo(201310070000002L);
    assertThat(tuesday.sequence(2)).isGreaterThan(monday.sequence(9_999_999));
    assertThatThrownBy(() -> monday.sequence(10_000_000)).isInstanceOf(IllegalStateException.class);
  }
}
