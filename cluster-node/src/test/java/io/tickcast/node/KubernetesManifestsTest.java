package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.discovery.ServiceDiscovery;
import org.apache.pekko.discovery.kubernetes.Settings;
import org.apache.pekko.event.NoLogging;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrapSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Keeps k8s/ true to the node's configuration: each container's configuration is resolved here
 * from the manifests' environment the way the node resolves it ({@link NodeConfig}, {@code
 * ${?TICKCAST_...}}), and the ports, probes, labels and RBAC the manifests declare are checked
 * against it. Nothing is applied to a Kubernetes cluster.
 */
class KubernetesManifestsTest {

  private static final Path K8S = Path.of("..", "k8s");
  private static final String POD_IP = "10.1.2.3";
  private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private static List<JsonNode> documents;

  @BeforeAll
  static void readManifests() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode document : yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
          if (document != null && !document.isEmpty()) {
            documents.add(document);
          }
        }
      }
    }
  }

  @Test
  void everyManifestIsNamespaceAgnostic() {
    assertThat(documents)
        .extracting(d -> d.path("kind").asText())
        .contains("ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service", "Job");
    for (JsonNode document : documents) {
      assertThat(document.path("apiVersion").asText()).as("apiVersion of %s", document.path("kind")).isNotEmpty();
      assertThat(document.at("/metadata/name").asText()).as("name of %s", document.path("kind")).isNotEmpty();
      assertThat(document.at("/metadata/namespace").isMissingNode())
          .as("%s %s names no namespace (applied with -n)", document.path("kind"), document.at("/metadata/name"))
          .isTrue();
    }
  }

  @Test
  void devDefaultsStayAsTheyWere() {
    Config dev = NodeConfig.load(Map.of());
    assertThat(dev.getString("tickcast.cluster.join")).isEqualTo("self");
    assertThat(dev.getString("tickcast.http.host")).isEqualTo("127.0.0.1");
    assertThat(dev.getString("pekko.management.http.hostname")).isEqualTo("127.0.0.1");
    assertThat(dev.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
  }

  @Test
  void bootstrapDiscoversPodsThroughTheKubernetesApi() throws ClassNotFoundException {
    Config config = NodeConfig.load(Map.of("tickcast.cluster.join", "bootstrap"));
    ClusterBootstrapSettings bootstrap = bootstrapSettings(config);

    String method = bootstrap.getContactPointDiscoveryMethod();
    assertThat(method).isEqualTo("kubernetes-api");
    // What Pekko Discovery loads for the method: pekko.discovery.<method>.class.
    assertThat(ServiceDiscovery.class.isAssignableFrom(Class.forName(config.getString("pekko.discovery." + method + ".class"))))
        .isTrue();
    Settings kubernetes = new Settings(config.getConfig("pekko.discovery." + method));
    assertThat(kubernetes.rawIp()).as("pods probed at their IP, not at a pod DNS name").isTrue();
    assertThat(kubernetes.getPodNamespace()).as("namespace: the service account's own").isEmpty();
    assertThat(bootstrap.getContactPointDiscoveryServiceName()).contains("tickcast");
    assertThat(bootstrap.getContactPointDiscoveryRequiredContactPointsNr()).isPositive();
    // Without a port name each pod is probed on the fallback port: the management port.
    assertThat(bootstrap.getContactPointDiscoveryPortName()).isEmpty();
    assertThat(bootstrap.getContactPointFallbackPort()).isEqualTo(config.getInt("pekko.management.http.port"));
  }

  @Test
  void podsCarryTheLabelsDiscoverySelects() {
    Config pod = podConfig(container(deployment()));
    ClusterBootstrapSettings bootstrap = bootstrapSettings(pod);
    // The effective name is the service name unless a namespace suffix or an explicit name is set.
    assertThat(bootstrap.getContactPointDiscoveryServiceNamespace()).isEmpty();
    assertThat(pod.getString("pekko.management.cluster.bootstrap.contact-point-discovery.effective-name"))
        .isEqualTo("<effective-name>");
    String selector =
        new Settings(pod.getConfig("pekko.discovery.kubernetes-api"))
            .podLabelSelector(bootstrap.getContactPointDiscoveryServiceName().orElseThrow());
    Map<String, String> selected = labelSelector(selector);

    Map<String, String> podLabels = strings(deployment().at("/spec/template/metadata/labels"));
    assertThat(podLabels).as("pod labels vs discovery's selector %s", selector).containsAllEntriesOf(selected);
    assertThat(podLabels).containsAllEntriesOf(strings(deployment().at("/spec/selector/matchLabels")));
    assertThat(podLabels).containsAllEntriesOf(strings(only("Service").at("/spec/selector")));
    for (JsonNode budget : all("PodDisruptionBudget")) {
      assertThat(podLabels).containsAllEntriesOf(strings(budget.at("/spec/selector/matchLabels")));
    }
    // A schema pod taken for a node would be probed as a contact point and never answer.
    assertThat(strings(only("Job").at("/spec/template/metadata/labels")).entrySet().containsAll(selected.entrySet()))
        .as("the schema Job's pod is selected by discovery's %s", selector)
        .isFalse();
  }

  @Test
  void theRequiredContactPointsAreTheInitialReplicas() {
    Config pod = podConfig(container(deployment()));
    assertThat(pod.getString("tickcast.cluster.join")).isEqualTo("bootstrap");
    assertThat(bootstrapSettings(pod).getContactPointDiscoveryRequiredContactPointsNr())
        .isEqualTo(deployment().at("/spec/replicas").asInt());
  }

  @Test
  void nodesMayListThePodsOfTheirNamespace() {
    JsonNode account = only("ServiceAccount");
    JsonNode role = only("Role");
    JsonNode binding = only("RoleBinding");
    String accountName = account.at("/metadata/name").asText();

    assertThat(deployment().at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(accountName);
    assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
    assertThat(binding.get("subjects"))
        .anySatisfy(
            subject -> {
              assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
              assertThat(subject.path("name").asText()).isEqualTo(accountName);
              assertThat(subject.has("namespace")).as("subject namespace: the RoleBinding's own").isFalse();
            });
    assertThat(role.get("rules"))
        .anySatisfy(
            rule -> {
              assertThat(texts(rule.get("apiGroups"))).contains("");
              assertThat(texts(rule.get("resources"))).contains("pods");
              assertThat(texts(rule.get("verbs"))).contains("get", "list", "watch");
            });
  }

  @Test
  void podsAdvertiseTheirOwnAddressAndServeTheApiToTheService() {
    Config pod = podConfig(container(deployment()));
    assertThat(pod.getString("pekko.remote.artery.canonical.hostname")).isEqualTo(POD_IP);
    assertThat(pod.getString("pekko.management.http.hostname")).isEqualTo(POD_IP);
    assertThat(pod.getString("tickcast.http.host")).isEqualTo("0.0.0.0");
    assertThat(pod.getString("kamon.prometheus.embedded-server.hostname")).isEqualTo("0.0.0.0");
  }

  @Test
  void containerPortsAndProbesAreTheConfiguredOnes() {
    JsonNode container = container(deployment());
    Config pod = podConfig(container);
    Map<String, Integer> ports = new HashMap<>();
    container.get("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));

    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "remote", pod.getInt("pekko.remote.artery.canonical.port"),
                "management", pod.getInt("pekko.management.http.port"),
                "http", pod.getInt("tickcast.http.port"),
                "metrics", pod.getInt("kamon.prometheus.embedded-server.port")));

    assertThat(pod.getString("pekko.management.http.base-path")).isEmpty();
    Map<String, String> paths =
        Map.of(
            "startupProbe", "/" + pod.getString("pekko.management.health-checks.startup-path"),
            "livenessProbe", "/" + pod.getString("pekko.management.health-checks.liveness-path"),
            "readinessProbe", "/" + pod.getString("pekko.management.health-checks.readiness-path"));
    paths.forEach(
        (probe, path) -> {
          JsonNode get = container.at("/" + probe + "/httpGet");
          assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
          assertThat(ports.get(get.path("port").asText())).as(probe + " port").isEqualTo(pod.getInt("pekko.management.http.port"));
        });

    assertThat(deployment().at("/spec/template/metadata/annotations/prometheus.io~1port").asInt()).isEqualTo(ports.get("metrics"));
    for (JsonNode servicePort : only("Service").at("/spec/ports")) {
      String target = servicePort.path("targetPort").asText();
      assertThat(ports).as("Service targetPort %s", target).containsKey(target);
      assertThat(servicePort.path("port").asInt()).isEqualTo(ports.get(target));
    }
  }

  @Test
  void everyEnvironmentVariableReachesTheConfigurationOrTheArguments() {
    for (JsonNode workload : List.of(deployment(), only("Job"))) {
      JsonNode container = container(workload);
      Map<String, String> env = environment(container);
      Config pod = podConfig(container);
      String args = container.path("args").toString();
      env.forEach(
          (name, value) -> {
            if (name.startsWith("TICKCAST_")) {
              // A value no default has: a variable the configuration reads changes it.
              Map<String, String> changed = new HashMap<>(env);
              changed.put(name, "k8s-manifest-test");
              assertThat(leaves(NodeConfig.load(changed), name))
                  .as("%s of %s is read by the node's configuration (${?%s})", name, workload.at("/metadata/name"), name)
                  .isNotEqualTo(leaves(pod, name));
            } else {
              assertThat(args).as("%s is used by the arguments as $(%s)", name, name).contains("$(" + name + ")");
            }
          });
      Matcher references = ARG_REFERENCE.matcher(args);
      while (references.find()) {
        assertThat(env).as("the arguments' $(%s)", references.group(1)).containsKey(references.group(1));
      }
    }
  }

  @Test
  void theConfigMapHoldsWhatTheWorkloadsReadAndNothingElse() {
    JsonNode configMap = only("ConfigMap");
    List<String> referenced = new ArrayList<>();
    for (JsonNode workload : List.of(deployment(), only("Job"))) {
      for (JsonNode variable : container(workload).path("env")) {
        JsonNode ref = variable.at("/valueFrom/configMapKeyRef");
        if (!ref.isMissingNode()) {
          assertThat(ref.path("name").asText()).isEqualTo(configMap.at("/metadata/name").asText());
          assertThat(configMap.get("data").has(ref.path("key").asText())).as("ConfigMap key %s", ref.path("key")).isTrue();
          referenced.add(ref.path("key").asText());
        }
      }
    }
    assertThat(referenced).containsAll(strings(configMap.get("data")).keySet());
  }

  @Test
  void nodesAndTheSchemaJobShareImageCassandraAndKeyspace() {
    JsonNode node = container(deployment());
    JsonNode schema = container(only("Job"));
    assertThat(schema.path("image").asText()).isEqualTo(node.path("image").asText());
    Config nodeConfig = podConfig(node);
    Config schemaConfig = podConfig(schema);
    for (String path : List.of("tickcast.cassandra.contact-point", "tickcast.cassandra.datacenter", "tickcast.cassandra.keyspace")) {
      assertThat(schemaConfig.getString(path)).as(path).isEqualTo(nodeConfig.getString(path));
    }
  }

  @Test
  void theArgumentsAreCommandsOfTheImagesCli() {
    assertThat(subcommand(container(deployment()))).isEqualTo("node");
    assertThat(subcommand(container(only("Job")))).isEqualTo("schema");
  }

  @Test
  void theImageStartsTheJvmWithTheLaunchersC2Thresholds() throws IOException {
    String launcher = Files.readString(Path.of("..", "tickcast"));
    Matcher jit = Pattern.compile("JIT_OPTS=\"([^\"]+)\"").matcher(launcher);
    assertThat(jit.find()).isTrue();
    assertThat(imageCommand(Files.readAllLines(K8S.resolve("Dockerfile")))).containsAll(List.of(jit.group(1).split(" ")));
  }

  @Test
  void theImageRunsMainAsTheUserThePodsRunAs() throws IOException {
    List<String> lines = Files.readAllLines(K8S.resolve("Dockerfile"));
    List<String> java = imageCommand(lines);
    assertThat(java.get(0)).isEqualTo("java");
    assertThat(java.get(java.size() - 1)).isEqualTo(Main.class.getName());
    String user = lines.stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow().substring("USER ".length()).strip();
    for (JsonNode workload : List.of(deployment(), only("Job"))) {
      JsonNode security = workload.at("/spec/template/spec/securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(security.path("runAsUser").asText()).as("runAsUser of %s", workload.at("/metadata/name")).isEqualTo(user);
    }
  }

  /** The image's ENTRYPOINT (exec form, one line of JSON) as its words. */
  private static List<String> imageCommand(List<String> dockerfile) throws IOException {
    String entrypoint = dockerfile.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    return texts(new ObjectMapper().readTree(entrypoint.substring("ENTRYPOINT ".length())));
  }

  /** The subcommand the container's arguments run, parsed by the real CLI with $(VAR) expanded. */
  private static String subcommand(JsonNode container) {
    Map<String, String> env = environment(container);
    List<String> args = new ArrayList<>();
    for (String arg : texts(container.path("args"))) {
      Matcher m = ARG_REFERENCE.matcher(arg);
      args.add(m.replaceAll(r -> Matcher.quoteReplacement(env.get(r.group(1)))));
    }
    CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
    return parsed.subcommand().commandSpec().name();
  }

  /**
   * The configuration a container's node resolves: its environment (ConfigMap values and a pod IP
   * filled in) as the substitutions {@code ${?TICKCAST_...}} see it.
   */
  private static Config podConfig(JsonNode container) {
    return NodeConfig.load(environment(container));
  }

  private static Map<String, String> environment(JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      if (variable.has("value")) {
        env.put(name, variable.path("value").asText());
      } else if (variable.at("/valueFrom/fieldRef/fieldPath").asText().equals("status.podIP")) {
        env.put(name, POD_IP);
      } else if (variable.at("/valueFrom/configMapKeyRef").isObject()) {
        JsonNode ref = variable.at("/valueFrom/configMapKeyRef");
        env.put(name, only("ConfigMap").at("/data").path(ref.path("key").asText()).asText());
      } else {
        fail("environment variable %s: a value, the pod IP or a ConfigMap key expected, not %s", name, variable);
      }
    }
    return env;
  }

  /** Every setting's value except the variable itself (it sits at the root of the overrides). */
  private static Map<String, Object> leaves(Config config, String variable) {
    Map<String, Object> leaves = new HashMap<>();
    config.entrySet().forEach(e -> leaves.put(e.getKey(), e.getValue().unwrapped()));
    leaves.remove(variable);
    return leaves;
  }

  private static ClusterBootstrapSettings bootstrapSettings(Config config) {
    return ClusterBootstrapSettings.apply(config, NoLogging.getInstance());
  }

  /** An equality-based label selector, {@code k=v,k2=v2}. */
  private static Map<String, String> labelSelector(String selector) {
    Map<String, String> labels = new HashMap<>();
    for (String requirement : selector.split(",")) {
      String[] kv = requirement.strip().split("==?", 2);
      assertThat(kv).as("equality requirement in selector %s", selector).hasSize(2);
      labels.put(kv[0].strip(), kv[1].strip());
    }
    return labels;
  }

  /** Labels, a selector's matchLabels or a ConfigMap's data. */
  private static Map<String, String> strings(JsonNode node) {
    assertThat(node.isObject()).as("a map of strings: %s", node).isTrue();
    Map<String, String> strings = new HashMap<>();
    node.properties().forEach(e -> strings.put(e.getKey(), e.getValue().asText()));
    return strings;
  }

  private static JsonNode deployment() {
    return only("Deployment");
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.at("/spec/template/spec/containers");
    assertThat(containers).as("containers of %s", workload.at("/metadata/name")).hasSize(1);
    return containers.get(0);
  }

  private static JsonNode only(String kind) {
    List<JsonNode> found = all(kind);
    assertThat(found).as("documents of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  private static List<JsonNode> all(String kind) {
    return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
