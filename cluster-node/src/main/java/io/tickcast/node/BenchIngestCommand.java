package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tickcast.devinfra.DevInfra;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Role;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.Pacing;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.ingest.TickFile;
import io.tickcast.ingest.TickReplay;
import io.tickcast.ingest.TradingSession;
import io.tickcast.persistence.CassandraSchema;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Trade;
import io.tickcast.protocols.WireFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end ingest benchmark on this machine: real days of trade prints in Kafka, in one or more
 * wire formats, each read by a plain Kafka consumer that only takes the bytes, by one that also
 * decodes them, and by a Tickcast node (decode, validate, bars, indicators, journal writes,
 * commits), in the same run against the same broker. The ratio of the node's rate to the plain
 * consumer's of the same format is the figure that counts; absolute rates depend on the machine.
 *
 * <p>Run {@code k} of {@code --runs} is a copy of the same days {@code k - 1} weeks later (New
 * York wall-clock times kept, so sessions stay sessions across daylight saving). One node per
 * format reads all copies in one go, as a node that has been up for a while meets its feed: run 1
 * is a node that has just started (cold JIT, empty caches, new entities: a catch-up after a
 * restart), the later runs the same node, warmer, with its entities carrying on. Each reader runs
 * in a JVM of its own, started with this JVM's options: the node ({@code Main node}), as in
 * production, and before it the plain consumer and the decoding one ({@link BenchReaderCommand}),
 * each reading copy after copy. So all three start with a cold JIT and warm over the same copies
 * (in this JVM the plain consumers met a JIT that had compiled the producer's Kafka client code),
 * none shares a JIT or a heap with another, and each one's CPU figures are its own. How much of a
 * copy's CPU went to the node's JIT compilers is printed with it: the node is warm once that is
 * small, which on two cores takes longer than a dozen copies.
 */
@Command(
    name = "bench-ingest",
    mixinStandardHelpOptions = true,
    description = "Measure trades/s through the node against a plain Kafka consumer (starts its own Cassandra and Kafka).")
final class BenchIngestCommand implements Callable<Integer> {

  @Option(names = "--ticks", description = "Tick files directory. Default: ${DEFAULT-VALUE}", defaultValue = "../shared/data/intraday/tick")
  Path ticks;

  @Option(names = "--tickers", split = ",", description = "Default: ${DEFAULT-VALUE}", defaultValue = "SPY")
  Set<String> tickers;

  @Option(names = "--from", description = "First day. Default: ${DEFAULT-VALUE}", defaultValue = "2013-10-07")
  LocalDate from;

  @Option(names = "--to", description = "Last day. Default: ${DEFAULT-VALUE}", defaultValue = "2013-10-07")
  LocalDate to;

  @Option(names = "--partitions", description = "Default: ${DEFAULT-VALUE}", defaultValue = "4")
  int partitions;

  @Option(
      names = "--wire-format",
      split = ",",
      description = "Wire format(s) of the records, each in its own topic: binary, json or json,binary. Default: ${DEFAULT-VALUE}",
      defaultValue = "binary",
      converter = ReplayCommand.WireFormatConverter.class)
  List<WireFormat> formats;

  @Option(
      names = "--runs",
      description = "Copies of the days, each a week after the one before, measured one by one (one infrastructure start). Default: ${DEFAULT-VALUE}",
      defaultValue = "1")
  int runs;

  @Option(names = "--work-dir", description = "Default: ${DEFAULT-VALUE}", defaultValue = "target/bench-infra")
  Path workDir;

  @Option(
      names = "--node-jvm-options",
      split = " ",
      description = "Extra options for the node's JVM (a profiler, say), after those this JVM was started with.")
  List<String> nodeJvmOptions = List.of();

  /**
   * One run's figures for one format: records/s, CPU microseconds per record of each reading JVM,
   * and the CPU seconds the node's JIT compilers took meanwhile.
   */
  private record Result(
      WireFormat format,
      int run,
      double plain,
      double decoding,
      double node,
      double plainCpu,
      double decodingCpu,
      double nodeCpu,
      double nodeJitSeconds) {}

  /**
   * A reader's rate over one copy, the CPU time its JVM spent per record meanwhile (less noisy on
   * a busy machine), and how much of that its JIT compilers took (seconds).
   */
  record Rate(double perSecond, double cpuMicrosPerRecord, double jitSeconds) {}

  /**
   * CPU time of the measured process (a reader's JVM, from within it, or the node's JVM, from
   * here), of its JIT compiler threads, and of the others this JVM started (Kafka, Cassandra, the
   * node) since creation: on a shared machine the wall-clock rates vary with the neighbours' load,
   * the CPU cost per record much less.
   */
  static final class CpuMeter {
    private final long records;
    private final ProcessHandle measured;
    private final Map<Long, Long> before = new HashMap<>();
    private final long compilersBefore;

    CpuMeter(long records, ProcessHandle measured) {
      this.records = records;
      this.measured = measured;
      processes().forEach(p -> before.put(p.pid(), cpuNanos(p)));
      before.putIfAbsent(measured.pid(), cpuNanos(measured));
      compilersBefore = compilerNanos(measured.pid());
    }

    /**
     * Prints the CPU time spent since creation; returns {@code handled} records in {@code
     * elapsedNanos} with the measured process's CPU per record and its compilers' seconds.
     */
    Rate rate(long handled, long elapsedNanos) {
      long measuredNanos = cpuNanos(measured) - before.get(measured.pid());
      // A compiler thread that ended took its CPU time with it: never below zero.
      long compilerNanos = Math.max(0, compilerNanos(measured.pid()) - compilersBefore);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "  cpu: %s %.1f s (%.2f us/record; JIT compilers %.1f s)",
                  name(measured), measuredNanos / 1e9, measuredNanos / 1e3 / records, compilerNanos / 1e9));
      processes()
          .filter(p -> p.pid() != measured.pid() && before.containsKey(p.pid()))
          .forEach(p -> line.append(String.format(", %s %.1f s", name(p), (cpuNanos(p) - before.get(p.pid())) / 1e9)));
      System.out.println(line);
      return new Rate(handled / (elapsedNanos / 1e9), measuredNanos / 1e3 / records, compilerNanos / 1e9);
    }

    /**
     * CPU time of the HotSpot compiler threads ("C1/C2 CompilerThread<i>n</i>") of process {@code
     * pid}, from Linux's {@code /proc/<pid>/task/<tid>/stat} (utime + stime in clock ticks of 10
     * ms, USER_HZ); 0 where there is no {@code /proc}.
     */
    static long compilerNanos(long pid) {
      Path tasks = Path.of("/proc", Long.toString(pid), "task");
      if (!Files.isDirectory(tasks)) {
        return 0;
      }
      long ticks = 0;
      try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
        for (Path thread : threads) {
          String stat;
          try {
            stat = Files.readString(thread.resolve("stat"));
          } catch (IOException e) {
            continue; // the thread ended meanwhile
          }
          int nameEnd = stat.lastIndexOf(')');
          String name = stat.substring(stat.indexOf('(') + 1, nameEnd);
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            // Fields after the name, from state (field 3): utime is field 14, stime field 15.
            String[] fields = stat.substring(nameEnd + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        }
      } catch (IOException e) {
        return 0;
      }
      return ticks * 10_000_000L;
    }

    private static Stream<ProcessHandle> processes() {
      return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().children());
    }

    private static String name(ProcessHandle process) {
      if (process.pid() == ProcessHandle.current().pid()) {
        return "this JVM";
      }
      String command = process.info().arguments().map(a -> String.join(" ", a)).orElse("");
      // The node's command line names Kafka too (its settings).
      return command.contains("io.tickcast.node.Main") ? "node"
          : command.contains("CassandraDaemon") ? "cassandra"
          : command.contains("kafka") ? "kafka"
          : "pid " + process.pid();
    }

    private static long cpuNanos(ProcessHandle process) {
      return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
  }

  @Override
  public Integer call() throws Exception {
    List<TickFile> files = TickFile.find(List.of(ProjectPaths.resolve(ticks)), tickers, from, to);
    if (files.isEmpty()) {
      throw new UserError("no tick files for " + tickers + " " + from + ".." + to + " in " + ProjectPaths.resolve(ticks));
    }
    if (runs < 1) {
      throw new UserError("--runs must be at least 1");
    }
    List<WireFormat> formats = this.formats.stream().distinct().toList();
    DevInfra.Settings infraSettings =
        DevInfra.Settings.defaults(ProjectPaths.home(), ProjectPaths.resolve(workDir)).withPorts(19242, 19292, 19293);
    DevInfra.deleteWorkDir(infraSettings);
    TickReplay replay = new TickReplay(files, TradingSession.REGULAR, Pacing.UNPACED);
    try (DevInfra infra = DevInfra.start(infraSettings)) {
      List<Result> results = new ArrayList<>();
      try (ProducerSystem producer = ProducerSystem.start(NodeConfig.load(nodeSettings(infra, "unused", "bench", "unused")))) {
        for (WireFormat format : formats) {
          results.addAll(measure(infra, producer.system(), replay, format));
        }
      }
      summary(results);
    }
    return 0;
  }

  /** Produces the copies in {@code format}'s topic, reads them with the plain consumers, then with one node. */
  private List<Result> measure(DevInfra infra, ActorSystem<?> producer, TickReplay replay, WireFormat format) throws Exception {
    String bootstrap = infra.kafkaBootstrapServers();
    String topic = "bench-ticks-" + format;
    KafkaTopics.ensure(bootstrap, partitions, topic, topic + ".quarantine");
    // Offsets per partition where each copy begins; the last entry is where the topic ends.
    List<Map<Integer, Long>> bounds = new ArrayList<>();
    bounds.add(endOffsets(bootstrap, topic));
    long perCopy = -1;
    for (int run = 1; run <= runs; run++) {
      int weeks = run - 1;
      long t0 = System.nanoTime();
      ReplayResult result =
          KafkaReplay.run(producer, tally -> replay.source(tally).map(t -> weeksLater(t, weeks)), bootstrap, topic, format)
              .toCompletableFuture()
              .get(30, TimeUnit.MINUTES);
      perCopy = result.produced();
      bounds.add(endOffsets(bootstrap, topic));
      report("produce (replay -> Kafka, " + format + ", +" + weeks + " weeks)", perCopy, System.nanoTime() - t0);
    }
    List<Rate> plain = inReaderJvm(new BenchReaderCommand.Plan(bootstrap, topic, bounds, perCopy, false));
    List<Rate> decoding = inReaderJvm(new BenchReaderCommand.Plan(bootstrap, topic, bounds, perCopy, true));
    String keyspace = "bench_" + format;
    SchemaCommand.apply(infra.cassandraContactPoint(), "datacenter1", keyspace, CassandraSchema.DEV_REPLICATION);
    List<Rate> node;
    try (CqlSession cassandra = CassandraSessions.open(infra.cassandraContactPoint(), "datacenter1", false)) {
      // The node's progress is read from its HTTP API, as an operator would.
      ApiKeys.NewKey key = ApiKeys.generate();
      new CassandraApiKeyStore(cassandra, keyspace).register(key, Role.VIEWER, "bench-ingest");
      Map<String, Object> settings = nodeSettings(infra, topic, keyspace, "bench-node-" + UUID.randomUUID());
      // Beside the work directory: that one holds only what DevInfra may delete.
      Path log = ProjectPaths.resolve(workDir).resolveSibling("bench-node-" + format + ".log");
      List<String> jvmOptions = new ArrayList<>(readerJvmOptions());
      jvmOptions.addAll(nodeJvmOptions);
      try (NodeProcess process = NodeProcess.start(settings, jvmOptions, key.secret(), log, Duration.ofMinutes(2))) {
        System.out.printf("%nnode: pid %d, log %s%n", process.process.pid(), log);
        node = throughNode(process, perCopy, runs, cassandra);
      }
    }
    List<Result> results = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      Rate p = plain.get(run - 1);
      Rate d = decoding.get(run - 1);
      Rate n = node.get(run - 1);
      results.add(
          new Result(
              format, run, p.perSecond(), d.perSecond(), n.perSecond(), p.cpuMicrosPerRecord(), d.cpuMicrosPerRecord(),
              n.cpuMicrosPerRecord(), n.jitSeconds()));
    }
    return results;
  }

  /** The topic's end offset by partition number, as the readers' plan carries it. */
  private static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
    Map<Integer, Long> ends = new TreeMap<>();
    KafkaTopics.endOffsets(bootstrap, topic).forEach((partition, offset) -> ends.put(partition.partition(), offset));
    return ends;
  }

  /**
   * The same print {@code weeks} weeks later: the same New York wall-clock time, and the sequence
   * number that day's file would give its line, so a ticker's sequence keeps increasing.
   */
  private static Trade weeksLater(Trade trade, int weeks) {
    if (weeks == 0) {
      return trade;
    }
    ZonedDateTime time = trade.time().atZone(TradingSession.NEW_YORK).plusWeeks(weeks);
    long sequence = TickFile.sequence(time.toLocalDate(), TickFile.lineOf(trade.sequence()));
    return new Trade(trade.ticker(), time.toInstant(), trade.price(), trade.size(), sequence, trade.exchange(), trade.condition());
  }

  private static Map<String, Object> nodeSettings(DevInfra infra, String topic, String keyspace, String groupId) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("tickcast.cassandra.contact-point", infra.cassandraContactPoint());
    settings.put("tickcast.cassandra.keyspace", keyspace);
    settings.put("tickcast.kafka.bootstrap-servers", infra.kafkaBootstrapServers());
    settings.put("tickcast.ingest.topic", topic);
    settings.put("tickcast.ingest.group-id", groupId);
    settings.put("tickcast.metrics.enabled", false);
    // The node ingests only; its HTTP warm-up would share the CPU with the first runs.
    settings.put("tickcast.http.warm-up.requests", 0);
    settings.put("pekko.remote.artery.canonical.port", 0);
    return settings;
  }

  /**
   * The readers' JVMs get this JVM's options (the launcher's JIT flags and JAVA_OPTS: the node runs
   * as {@code ./tickcast node} would), less agents and recordings; the node's then gets {@code
   * --node-jvm-options}.
   */
  private static List<String> readerJvmOptions() {
    List<String> options = new ArrayList<>();
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentpath") && !option.startsWith("-javaagent") && !option.startsWith("-XX:StartFlightRecording")) {
        options.add(option);
      }
    }
    return options;
  }

  /** Runs {@code plan} in a JVM of its own ({@link BenchReaderCommand}); its output goes to ours. */
  private static List<Rate> inReaderJvm(BenchReaderCommand.Plan plan) throws Exception {
    Path planFile = Files.createTempFile("bench-reader-plan", ".json");
    Path out = Files.createTempFile("bench-reader-rates", ".json");
    try {
      Json.MAPPER.writeValue(planFile.toFile(), plan);
      Process reader =
          NodeProcess.tickcastJvm(readerJvmOptions(), Map.of(), "bench-ingest-reader", "--plan", planFile.toString(), "--out", out.toString())
              .inheritIO()
              .start();
      if (!reader.waitFor(60, TimeUnit.MINUTES)) {
        reader.destroyForcibly();
        throw new IllegalStateException("the plain consumer's JVM did not finish within an hour");
      }
      if (reader.exitValue() != 0) {
        throw new IllegalStateException("the plain consumer's JVM exited with " + reader.exitValue());
      }
      return Json.MAPPER.readValue(out.toFile(), new TypeReference<List<Rate>>() {});
    } finally {
      Files.deleteIfExists(planFile);
      Files.deleteIfExists(out);
    }
  }

  private static void summary(List<Result> results) {
    System.out.printf(
        "%n=== bench-ingest summary (records/s; ratios against the plain consumer of the same format;"
            + " CPU us/record of each reader's JVM: plain / plain+decode / node; CPU seconds of the node's JIT compilers)%n");
    System.out.printf(
        "%-7s %3s %12s %14s %12s %11s %14s %22s %8s%n",
        "format", "run", "plain bytes", "plain+decode", "node", "node/plain", "node/decoding", "cpu us/rec p / d / n", "node JIT");
    for (Result r : results) {
      System.out.printf(
          "%-7s %3d %,12.0f %,14.0f %,12.0f %11.3f %14.3f %8.2f /%5.2f /%5.2f %7.1fs%n",
          r.format(), r.run(), r.plain(), r.decoding(), r.node(), r.node() / r.plain(), r.node() / r.decoding(),
          r.plainCpu(), r.decodingCpu(), r.nodeCpu(), r.nodeJitSeconds());
    }
    // Run 1 is a node that has just started. The runs after it still warm up (see the node's JIT
    // column), so the last quarter of a long run is printed too: the nearest to a steady state.
    for (WireFormat format : results.stream().map(Result::format).distinct().toList()) {
      List<Result> warm = results.stream().filter(r -> r.format() == format && r.run() > 1).toList();
      if (!warm.isEmpty()) {
        medians(format + ", runs 2-" + (warm.size() + 1) + " (after the node's first copy)", warm);
      }
      if (warm.size() >= 7) {
        List<Result> warmest = warm.subList(warm.size() - (warm.size() + 1) / 4, warm.size());
        medians(
            format + ", runs " + warmest.get(0).run() + "-" + warmest.get(warmest.size() - 1).run() + " (the warmest quarter)", warmest);
      }
    }
  }

  private static void medians(String label, List<Result> runs) {
    double[] ratios = runs.stream().mapToDouble(r -> r.node() / r.plain()).toArray();
    System.out.printf(
        "%s, medians: plain %,.0f, node %,.0f records/s, node/plain %.3f (%.3f - %.3f), at or above %.1f in %d of %d;"
            + " node JIT %.1f s per copy%n",
        label, MEDIAN.evaluate(runs.stream().mapToDouble(Result::plain).toArray()),
        MEDIAN.evaluate(runs.stream().mapToDouble(Result::node).toArray()), MEDIAN.evaluate(ratios), StatUtils.min(ratios),
        StatUtils.max(ratios), AIM, Arrays.stream(ratios).filter(r -> r >= AIM).count(), ratios.length,
        MEDIAN.evaluate(runs.stream().mapToDouble(Result::nodeJitSeconds).toArray()));
  }

  private static final Median MEDIAN = new Median();

  /** The node / plain ratio aimed at (README, performance). */
  private static final double AIM = 0.5;

  /**
   * Times each copy of {@code perCopy} records through the node, from the moment it has handled
   * the copies before it to the moment it has handled this one (the first from its first handled
   * record); counts the requests Cassandra served meanwhile (journal, snapshots, the history
   * projection).
   */
  private static List<Rate> throughNode(NodeProcess node, long perCopy, int copies, CqlSession cassandra) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (handled(node.ingest()) == 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(POLL.toNanos());
    }
    List<Rate> rates = new ArrayList<>();
    IngestCounts before = node.ingest();
    for (int copy = 1; copy <= copies; copy++) {
      long start = System.nanoTime();
      LocalTime startAt = LocalTime.now().truncatedTo(ChronoUnit.MILLIS);
      long requestsBefore = cassandraRequests(cassandra);
      CpuMeter cpu = new CpuMeter(perCopy, node.process.toHandle());
      IngestCounts after = node.ingest();
      while (handled(after) < copy * perCopy && System.nanoTime() < deadline) {
        // Looked at often only near the end of the copy: a look costs the node CPU.
        boolean nearTheEnd = copy * perCopy - handled(after) < perCopy / 10;
        LockSupport.parkNanos((nearTheEnd ? POLL : POLL.multipliedBy(10)).toNanos());
        after = node.ingest();
      }
      long elapsed = System.nanoTime() - start;
      long handled = handled(after) - handled(before);
      System.out.printf("%n--- run %d of %d, Tickcast node (%s)%n", copy, copies, copy == 1 ? "just started" : "the same node");
      report("Tickcast node (entities, journal, commits)", handled, elapsed);
      // The window, for profiles recorded over the whole benchmark (JFR).
      System.out.printf(
          "  applied %d, duplicates %d, refused %d; busy %s .. %s%n",
          after.applied() - before.applied(), after.duplicates() - before.duplicates(), refused(after) - refused(before),
          startAt, LocalTime.now().truncatedTo(ChronoUnit.MILLIS));
      long requests = cassandraRequests(cassandra) - requestsBefore;
      System.out.printf("  cassandra requests: %,d (%.2f per 1,000 records)%n", requests, requests * 1000.0 / perCopy);
      rates.add(cpu.rate(handled, elapsed));
      before = after;
    }
    System.out.printf("%nrefused by rule over all runs: %s%n", node.ingest().rejected());
    return rates;
  }

  /**
   * How often the node's progress is looked at near the end of a copy: the timing's resolution.
   * Each look is an HTTP request the node answers, so not more often.
   */
  private static final Duration POLL = Duration.ofMillis(10);

  /**
   * Requests served on the connections open now (Cassandra's {@code system_views.clients}): the
   * node's sessions stay open until it terminates.
   */
  private static long cassandraRequests(CqlSession cassandra) {
    long total = 0;
    for (Row row : cassandra.execute("SELECT request_count FROM system_views.clients")) {
      total += row.getLong("request_count");
    }
    return total;
  }

  private static long handled(IngestCounts counts) {
    return counts.applied() + counts.duplicates() + refused(counts);
  }

  private static long refused(IngestCounts counts) {
    return counts.rejected().values().stream().mapToLong(Long::longValue).sum();
  }

  static void report(String what, long records, long nanos) {
    System.out.printf("%-45s %,10d records in %6.2f s = %,10.0f records/s%n", what, records, nanos / 1e9, records / (nanos / 1e9));
  }
}
