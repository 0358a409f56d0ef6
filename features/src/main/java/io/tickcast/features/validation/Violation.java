package io.tickcast.features.validation;

/**
 * Why a record was refused: {@code rule} is a stable identifier (used as a metric tag and in
 * quarantine records), {@code detail} says what the record held.
 */
public record Violation(String rule, String detail) {
  @Override
  public String toString() {
    return rule + ": " + detail;
  }
}
