package io.tickcast.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document: every error Tickcast's API returns is one, served as
 * {@code application/problem+json}. {@code type} is stable; clients branch on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

  static final String TYPE_BASE = "https://tickcast.io/problems/";

  public static Problem of(String type, String title, int status, String detail, String instance) {
    return new Problem(TYPE_BASE + type, title, status, detail, instance);
  }
}
