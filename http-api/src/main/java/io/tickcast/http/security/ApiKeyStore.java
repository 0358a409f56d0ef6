package io.tickcast.http.security;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Where API keys live, looked up by the hash of the key (see {@link ApiKeys#hash}). */
public interface ApiKeyStore {

  /** The key's principal; empty when no key has this hash or the key has been revoked. */
  CompletionStage<Optional<Principal>> lookup(String keyHash);
}
