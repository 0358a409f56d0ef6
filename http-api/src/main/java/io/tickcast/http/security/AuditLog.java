package io.tickcast.http.security;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where {@link Security#audited} records mutations. */
public interface AuditLog {

  /** Completes when the entry is stored. */
  CompletionStage<Done> append(AuditEntry entry);
}
