package io.tickcast.http.security;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/** HTTPS for the API, from a key store holding the server's key and certificate chain. */
public final class Tls {

  private Tls() {}

  /**
   * From the {@code tickcast.http.tls} block ({@code enabled}, {@code keystore},
   * {@code keystore-password}, {@code keystore-type}); empty when TLS is off. A missing or
   * unreadable key store fails here, at start-up, rather than on the first connection.
   */
  public static Optional<HttpsConnectionContext> fromConfig(Config tls) {
    if (!tls.getBoolean("enabled")) {
      return Optional.empty();
    }
    String location = tls.getString("keystore");
    if (location.isBlank()) {
      throw new IllegalArgumentException("tickcast.http.tls.enabled is on but tickcast.http.tls.keystore is not set");
    }
    Path keystore = Path.of(location);
    char[] password = tls.getString("keystore-password").toCharArray();
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance(tls.getString("keystore-type"));
      store.load(in, password);
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), null, null);
      return Optional.of(ConnectionContext.httpsServer(context));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use TLS key store " + keystore.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }
}
