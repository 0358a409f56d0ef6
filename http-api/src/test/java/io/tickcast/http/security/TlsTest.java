package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from configuration, with a self-signed key store made by the JDK's keytool. */
class TlsTest {

  private static final String PASSWORD = "test-only-password";
  @TempDir static Path dir;
  private static Path keystore;
  private static ActorTestKit testKit;

  @BeforeAll
  static void makeKeyStore() throws Exception {
    keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tickcast", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Config tls(Map<String, Object> values) {
    return ConfigFactory.parseMap(values)
        .withFallback(
            ConfigFactory.parseString("enabled = off, keystore = \"\", keystore-password = \"\", keystore-type = PKCS12"));
  }

  @Test
  void offByDefault() {
    assertThat(Tls.fromConfig(tls(Map.of()))).isEmpty();
  }

  @Test
  void servesHttpsWithTheConfiguredKeyStore() throws Exception {
    HttpsConnectionContext https =
        Tls.fromConfig(tls(Map.of("enabled", true, "keystore", keystore.toString(), "keystore-password", PASSWORD)))
            .orElseThrow();
    int port =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .enableHttps(https)
            .bind(new AllDirectives() {}.complete("secure"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .localAddress()
            .getPort();

    HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("secure");
    assertThat(response.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn(List.of("TLSv1.3", "TLSv1.2")));
  }

  @Test
  void aMisconfiguredKeyStoreFailsAtStartUp() {
    assertThatThrownBy(() -> Tls.fromConfig(tls(Map.of("enabled", true))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tickcast.http.tls.keystore is not set");
    assertThatThrownBy(() -> Tls.fromConfig(tls(Map.of("enabled", true, "keystore", keystore.toString(), "keystore-password", "wrong"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(keystore.toString());
    assertThatThrownBy(() -> Tls.fromConfig(tls(Map.of("enabled", true, "keystore", dir.resolve("missing.p12").toString()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.p12");
  }

  /** A client context that trusts exactly the certificate in {@code keystore}. */
  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("tickcast", server.getCertificate("tickcast"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
