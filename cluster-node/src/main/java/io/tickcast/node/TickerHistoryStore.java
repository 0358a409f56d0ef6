package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.actors.TickerEntity;
import io.tickcast.http.HistoryPage;
import io.tickcast.http.HistoryQuery;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The history read table ({@code ticker_history}: one row per bar with the prediction made from
 * it and its resolution; one partition per ticker and UTC month, newest first) and the history
 * projection's progress per ticker ({@code ticker_history_progress}). Every write is an upsert of
 * columns that one event determines, so applying an event again changes nothing.
 */
final class TickerHistoryStore {

  /**
   * How far the projection got with one ticker: every event up to {@code sequenceNr} is in the
   * table. {@code firstBar} and {@code lastBar} bound the months a read has to visit; null while
   * no bar is recorded.
   */
  record Progress(long sequenceNr, Instant firstBar, Instant lastBar) {
    static final Progress NONE = new Progress(0, null, null);
  }

  private static final String COLUMNS =
      "bar_start, interval_ms, open, high, low, close, adjusted_close, volume, vwap, trade_count, prediction, "
          + "resolved_model, resolved_version, expected_return, realised_return, resolved_by";

  private final CqlSession session;
  private final PreparedStatement insertBar;
  private final PreparedStatement setPrediction;
  private final PreparedStatement setResolution;
  private final PreparedStatement selectMonth;
  private final PreparedStatement selectProgress;
  private final PreparedStatement saveProgress;
  private final PreparedStatement setFirstBar;

  private TickerHistoryStore(CqlSession session, List<PreparedStatement> statements) {
    this.session = session;
    this.insertBar = statements.get(0);
    this.setPrediction = statements.get(1);
    this.setResolution = statements.get(2);
    this.selectMonth = statements.get(3);
    this.selectProgress = statements.get(4);
    this.saveProgress = statements.get(5);
    this.setFirstBar = statements.get(6);
  }

  static CompletionStage<TickerHistoryStore> prepare(CqlSession session, String keyspace) {
    String history = keyspace + ".ticker_history";
    String progress = keyspace + ".ticker_history_progress";
    String row = " WHERE ticker = :ticker AND month = :month AND bar_start = :bar_start";
    List<String> cql =
        List.of(
            "INSERT INTO " + history
                + " (ticker, month, bar_start, interval_ms, open, high, low, close, adjusted_close, volume, vwap, trade_count)"
                + " VALUES (:ticker, :month, :bar_start, :interval_ms, :open, :high, :low, :close, :adjusted_close, :volume,"
                + " :vwap, :trade_count)",
            "UPDATE " + history + " SET prediction = :prediction" + row,
            "UPDATE " + history
                + " SET resolved_model = :resolved_model, resolved_version = :resolved_version,"
                + " expected_return = :expected_return, realised_return = :realised_return, resolved_by = :resolved_by" + row,
            "SELECT " + COLUMNS + " FROM " + history
                + " WHERE ticker = :ticker AND month = :month AND bar_start >= :lower AND bar_start < :upper LIMIT :max_rows",
            "SELECT sequence_nr, first_bar, last_bar FROM " + progress + " WHERE ticker = :ticker",
            "UPDATE " + progress + " SET sequence_nr = :sequence_nr, last_bar = :last_bar WHERE ticker = :ticker",
            "UPDATE " + progress + " SET first_bar = :first_bar WHERE ticker = :ticker");
    List<CompletableFuture<PreparedStatement>> prepared =
        cql.stream().map(q -> session.prepareAsync(q).toCompletableFuture()).toList();
    return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
        .thenApply(done -> new TickerHistoryStore(session, prepared.stream().map(CompletableFuture::join).toList()));
  }

  static int month(Instant instant) {
    YearMonth month = YearMonth.from(instant.atZone(ZoneOffset.UTC));
    return month.getYear() * 100 + month.getMonthValue();
  }

  // ---- writes (the projection) ------------------------------------------------------------

  /**
   * Records a run of one ticker's journal events, in sequence order: one request per UTC month
   * touched (an unlogged batch of its rows, which Cassandra applies as one single-partition
   * mutation) instead of one per event. Events that add nothing to the history (trade checkpoints,
   * and any kind this table does not show) are skipped.
   */
  CompletionStage<Done> apply(String ticker, List<TickerHistoryProjection.Projected> run) {
    List<CompletableFuture<?>> writes = new ArrayList<>(2);
    for (List<Object> month : byMonth(run).values()) {
      List<BatchableStatement<?>> rows = new ArrayList<>(month.size());
      for (Object event : month) {
        rows.add(statement(ticker, event).build());
      }
      writes.add(
          session
              .executeAsync(rows.size() == 1 ? rows.get(0) : BatchStatement.newInstance(DefaultBatchType.UNLOGGED, rows))
              .toCompletableFuture());
    }
    for (TickerHistoryProjection.Projected p : run) {
      if (p.firstBar()) {
        Instant start = ((TickerEntity.BarClosed) p.event()).bar().start();
        writes.add(execute(setFirstBar.boundStatementBuilder().setString("ticker", ticker).setInstant("first_bar", start)).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> Done.done());
  }

  /**
   * The run's events that write history rows, per month, the later of two that write the same
   * cells only: the statements of one batch share their write time, so of two writes to one cell
   * Cassandra would keep the greater value, not the later one.
   */
  static Map<Integer, List<Object>> byMonth(List<TickerHistoryProjection.Projected> run) {
    Map<Cells, Object> latest = new LinkedHashMap<>();
    for (TickerHistoryProjection.Projected p : run) {
      Object event = p.event();
      Instant row =
          event instanceof TickerEntity.BarClosed closed ? closed.bar().start()
              : event instanceof TickerEntity.PredictionIssued issued ? issued.prediction().asOf()
              : event instanceof TickerEntity.PredictionResolved resolved ? resolved.asOf()
              : null;
      if (row != null) {
        Cells cells = new Cells(event.getClass(), row);
        latest.remove(cells);
        latest.put(cells, event);
      }
    }
    Map<Integer, List<Object>> months = new LinkedHashMap<>();
    latest.forEach((cells, event) -> months.computeIfAbsent(month(cells.row()), m -> new ArrayList<>()).add(event));
    return months;
  }

  /** The columns one kind of event writes in one row. */
  private record Cells(Class<?> kind, Instant row) {}

  private BoundStatementBuilder statement(String ticker, Object event) {
    if (event instanceof TickerEntity.BarClosed closed) {
      return barRow(ticker, closed);
    }
    if (event instanceof TickerEntity.PredictionIssued issued) {
      Prediction p = issued.prediction();
      return row(setPrediction, ticker, p.asOf()).setString("prediction", json(p));
    }
    TickerEntity.PredictionResolved r = (TickerEntity.PredictionResolved) event;
    return row(setResolution, ticker, r.asOf())
        .setString("resolved_model", r.model())
        .setString("resolved_version", r.modelVersion())
        .setDouble("expected_return", r.expectedReturn())
        .setDouble("realised_return", r.realisedReturn())
        .setInstant("resolved_by", r.resolvedBy());
  }

  private BoundStatementBuilder barRow(String ticker, TickerEntity.BarClosed closed) {
    Bar bar = closed.bar();
    BoundStatementBuilder b =
        row(insertBar, ticker, bar.start())
            .setLong("interval_ms", bar.interval().toMillis())
            .setDouble("open", bar.open())
            .setDouble("high", bar.high())
            .setDouble("low", bar.low())
            .setDouble("close", bar.close())
            .setDouble("adjusted_close", bar.adjustedClose())
            .setLong("volume", bar.volume());
    // Bars received whole have no trades of their own: vwap and trade_count stay unset (null).
    if (!Double.isNaN(closed.vwap())) {
      b = b.setDouble("vwap", closed.vwap()).setInt("trade_count", closed.tradeCount());
    }
    return b;
  }

  private static BoundStatementBuilder row(PreparedStatement statement, String ticker, Instant barStart) {
    return statement
        .boundStatementBuilder()
        .setString("ticker", ticker)
        .setInt("month", month(barStart))
        .setInstant("bar_start", barStart);
  }

  /** {@code lastBar} null: the events since the last save closed no bar. */
  CompletionStage<Done> saveProgress(String ticker, long sequenceNr, Instant lastBar) {
    BoundStatementBuilder b = saveProgress.boundStatementBuilder().setString("ticker", ticker).setLong("sequence_nr", sequenceNr);
    return execute(lastBar == null ? b : b.setInstant("last_bar", lastBar));
  }

  CompletionStage<Progress> progress(String ticker) {
    return session
        .executeAsync(selectProgress.boundStatementBuilder().setString("ticker", ticker).build())
        .thenApply(
            rs -> {
              Row row = rs.one();
              if (row == null) {
                return Progress.NONE;
              }
              return new Progress(
                  row.isNull("sequence_nr") ? 0 : row.getLong("sequence_nr"), row.getInstant("first_bar"), row.getInstant("last_bar"));
            });
  }

  // ---- reads (the API) --------------------------------------------------------------------

  /** The page {@code query} asks for, reading the months between the bounds newest first. */
  CompletionStage<HistoryPage> page(String ticker, HistoryQuery query, Progress progress) {
    if (progress.firstBar() == null || progress.lastBar() == null) {
      return CompletableFuture.completedFuture(HistoryPage.EMPTY);
    }
    Instant from = query.from().isAfter(progress.firstBar()) ? query.from() : progress.firstBar();
    Instant afterLast = progress.lastBar().plusMillis(1);
    Instant until = query.until().isBefore(afterLast) ? query.until() : afterLast;
    if (!from.isBefore(until)) {
      return CompletableFuture.completedFuture(HistoryPage.EMPTY);
    }
    return readMonths(
        ticker, YearMonth.from(until.minusMillis(1).atZone(ZoneOffset.UTC)), YearMonth.from(from.atZone(ZoneOffset.UTC)),
        from, until, query.limit(), new ArrayList<>());
  }

  /** Reads {@code month}, then older months while the page is not full; one more row than asked tells whether there is more. */
  private CompletionStage<HistoryPage> readMonths(
      String ticker, YearMonth month, YearMonth oldest, Instant from, Instant until, int limit, List<HistoryPage.Entry> entries) {
    if (month.isBefore(oldest) || entries.size() > limit) {
      boolean more = entries.size() > limit;
      return CompletableFuture.completedFuture(new HistoryPage(List.copyOf(more ? entries.subList(0, limit) : entries), more));
    }
    return session
        .executeAsync(
            selectMonth
                .boundStatementBuilder()
                .setString("ticker", ticker)
                .setInt("month", month.getYear() * 100 + month.getMonthValue())
                .setInstant("lower", from)
                .setInstant("upper", until)
                .setInt("max_rows", limit + 1 - entries.size())
                .build())
        .thenCompose(
            rs -> {
              for (Row row : rs.currentPage()) {
                entries.add(entry(ticker, row));
              }
              return readMonths(ticker, month.minusMonths(1), oldest, from, until, limit, entries);
            });
  }

  private static HistoryPage.Entry entry(String ticker, Row row) {
    Bar bar =
        new Bar(
            ticker, row.getInstant("bar_start"), Duration.ofMillis(row.getLong("interval_ms")), row.getDouble("open"),
            row.getDouble("high"), row.getDouble("low"), row.getDouble("close"), row.getDouble("adjusted_close"),
            row.getLong("volume"));
    String prediction = row.getString("prediction");
    HistoryPage.Resolution resolution =
        row.isNull("realised_return")
            ? null
            : new HistoryPage.Resolution(
                row.getString("resolved_model"), row.getString("resolved_version"), row.getDouble("expected_return"),
                row.getDouble("realised_return"), row.getInstant("resolved_by"));
    return new HistoryPage.Entry(
        bar,
        row.isNull("vwap") ? null : row.getDouble("vwap"),
        row.isNull("trade_count") ? null : row.getInt("trade_count"),
        prediction == null ? null : parse(prediction),
        resolution);
  }

  private CompletionStage<Done> execute(BoundStatementBuilder statement) {
    return session.executeAsync(statement.build()).thenApply(rs -> Done.done());
  }

  private static String json(Prediction prediction) {
    try {
      return Json.MAPPER.writeValueAsString(prediction);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Prediction parse(String json) {
    try {
      return Json.MAPPER.readValue(json, Prediction.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
