package io.tickcast.protocols;

import java.nio.charset.StandardCharsets;

/**
 * The short ASCII strings that repeat on every record of the ingest path (tickers, exchange and
 * sale-condition codes, Kafka keys), read from bytes without allocating: a small direct-mapped
 * cache hands out one {@link String} per distinct value. A miss costs what {@code new String}
 * costs; a hit compares a few bytes. The strings come back with their hash code already computed,
 * which the per-ticker maps downstream use.
 *
 * <p>Thread-safe without locks: entries are immutable {@link String}s, published by a plain array
 * store; a thread that misses another's entry only allocates a duplicate.
 */
public final class AsciiStrings {

  /** Longer strings are not cached (symbols and codes are a few bytes). */
  public static final int MAX_CACHED_LENGTH = 16;

  private static final int SLOTS = 1 << 12;
  private static final String[] CACHE = new String[SLOTS];

  private AsciiStrings() {}

  /** True when {@code bytes[from, from + length)} are all ASCII (0..127). */
  public static boolean isAscii(byte[] bytes, int from, int length) {
    for (int i = from, end = from + length; i < end; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The string of {@code bytes[from, from + length)}, which must be ASCII ({@link #isAscii}):
   * cached when short.
   */
  public static String of(byte[] bytes, int from, int length) {
    if (length > MAX_CACHED_LENGTH) {
      return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }
    // String.hashCode of a Latin-1 string: a hit compares it before the bytes.
    int hash = 0;
    for (int i = from, end = from + length; i < end; i++) {
      hash = 31 * hash + (bytes[i] & 0xFF);
    }
    int slot = (hash ^ (hash >>> 12) ^ (hash >>> 24)) & (SLOTS - 1);
    String cached = CACHE[slot];
    if (cached != null && cached.hashCode() == hash && equals(cached, bytes, from, length)) {
      return cached;
    }
    String s = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    s.hashCode(); // computed once, before the string is shared
    CACHE[slot] = s;
    return s;
  }

  private static boolean equals(String s, byte[] bytes, int from, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != bytes[from + i]) {
        return false;
      }
    }
    return true;
  }
}
