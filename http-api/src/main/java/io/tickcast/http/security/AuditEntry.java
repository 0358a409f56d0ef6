package io.tickcast.http.security;

import java.time.Instant;

/**
 * One mutation through the API: who ({@code keyId}, {@code owner}, {@code role}), what
 * ({@code method}, {@code path}, and the route's action name in {@code detail}), when ({@code at})
 * and how it ended ({@code status}, the HTTP status sent; 500 when the route failed).
 */
public record AuditEntry(
    Instant at, String keyId, String owner, Role role, String method, String path, int status, String detail) {}
