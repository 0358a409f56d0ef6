package io.tickcast.http.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API keys: {@code tck_} followed by 32 random bytes in unpadded base64url. Only the SHA-256 of a
 * key is stored; the key itself is shown once, when it is created.
 *
 * <p>SHA-256 rather than a slow password hash (bcrypt, Argon2) on purpose: those exist to make
 * guessing low-entropy passwords expensive, but a key holds 256 random bits, so there is nothing
 * to guess and a leaked hash cannot be reversed either way. A fast hash keeps authentication one
 * keyed read of the hash, microseconds of CPU per request.
 */
public final class ApiKeys {

  public static final String PREFIX = "tck_";
  private static final int KEY_BYTES = 32;
  private static final int ID_BYTES = 8;
  private static final Pattern WELL_FORMED = Pattern.compile("tck_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /**
   * A key and its public id (what {@code keys list} shows and {@code keys revoke} takes). The id
   * is random too, not derived from the key, so it reveals nothing about it.
   */
  public record NewKey(String keyId, String secret) {
    public String hash() {
      return ApiKeys.hash(secret);
    }

    @Override
    public String toString() {
      return "NewKey[keyId=" + keyId + ", secret=<redacted>]";
    }
  }

  public static NewKey generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new NewKey(newId(), PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key));
  }

  /** A fresh key id: 16 hex digits. */
  public static String newId() {
    byte[] id = new byte[ID_BYTES];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** Lower-case hex SHA-256 of the key's UTF-8 bytes: the key table's primary key. */
  public static String hash(String key) {
    // digest() resets the digest for the next call on this thread.
    return HEX.formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static final HexFormat HEX = HexFormat.of();

  /** One digest per thread: looking one up by name on every request cost more than hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JRE has SHA-256", e);
            }
          });

  /** Whether {@code token} has the shape of a key; anything else is refused without a lookup. */
  public static boolean wellFormed(String token) {
    return WELL_FORMED.matcher(token).matches();
  }
}
