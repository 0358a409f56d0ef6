package io.tickcast.node;

import io.tickcast.devinfra.ParentWatchdog;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Tickcast node in a JVM of its own ({@code Main node} on this JVM's class path, ended with
 * this JVM by {@link ParentWatchdog}), configured with system properties, watched through its HTTP
 * API: the benchmark's node, which must not share a JIT or a heap with what measures it, and the
 * crash test's node, which is killed for real.
 */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Process process;
  final String baseUrl;
  private final String bearer;

  private NodeProcess(Process process, int httpPort, String bearer) {
    this.process = process;
    this.baseUrl = "http://127.0.0.1:" + httpPort;
    this.bearer = bearer;
  }

  /**
   * Starts the JVM and returns once its HTTP API answers {@code bearer}'s requests.
   *
   * @param settings configuration paths and values, passed as {@code -D} (HTTP and management
   *     ports are chosen here)
   * @param jvmOptions heap, JIT and profiler flags, before the settings
   * @param bearer an API key's secret registered in the node's keyspace (any role)
   * @param log where the node's standard output and error go
   */
  static NodeProcess start(Map<String, ?> settings, List<String> jvmOptions, String bearer, Path log, Duration patience)
      throws IOException {
    int httpPort = freePort();
    Map<String, Object> withPorts = new LinkedHashMap<>(settings);
    withPorts.put("tickcast.http.port", httpPort);
    withPorts.put("pekko.management.http.port", freePort());
    Process process = tickcastJvm(jvmOptions, withPorts, "node").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NodeProcess node = new NodeProcess(process, httpPort, bearer);
    node.awaitReady(patience, log);
    return node;
  }

  /**
   * A {@code tickcast} command ({@link Main} with {@code args}) in a JVM of its own on this JVM's
   * class path, with {@code jvmOptions} and {@code settings} as {@code -D}, that exits with this
   * JVM, even one killed with SIGKILL ({@link ParentWatchdog}): nothing orphaned holding ports.
   */
  static ProcessBuilder tickcastJvm(List<String> jvmOptions, Map<String, ?> settings, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    settings.forEach((path, value) -> command.add("-D" + path + "=" + value));
    command.add(ParentWatchdog.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // The class path goes in the environment: ONNX Runtime 1.29 crashes the JVM on start when
    // the command line is longer than about 4 KiB.
    builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    return builder;
  }

  private void awaitReady(Duration patience, Path log) throws IOException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node process exited with " + process.exitValue() + ", see " + log);
      }
      try {
        if (get("/api/v1/ingest/stats").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    close();
    throw new IllegalStateException("node not ready within " + patience + ", see " + log);
  }

  HttpResponse<String> get(String path) throws IOException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Authorization", "Bearer " + bearer)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** {@code GET /api/v1/ingest/stats}. */
  IngestCounts ingest() throws IOException {
    HttpResponse<String> response = get("/api/v1/ingest/stats");
    if (response.statusCode() != 200) {
      throw new IOException("ingest stats: HTTP " + response.statusCode() + " " + response.body());
    }
    return Json.MAPPER.readValue(response.body(), IngestCounts.class);
  }

  /** SIGKILL: no shutdown hook, no flush, no leaving the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node process still alive 30 s after SIGKILL");
    }
  }

  /** SIGTERM (the node leaves the cluster and stops its streams), SIGKILL after a minute. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
