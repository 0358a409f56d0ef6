package io.tickcast.http;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What the HTTP layer needs to show and change cluster membership; the node implements it. */
public interface ClusterService {

  /** Members as this node sees them, and where the ticker shards and entities live. */
  CompletionStage<ClusterOverview> overview();

  /**
   * Asks the member at {@code address} (as {@link ClusterOverview.Member#address()} writes it) to
   * leave gracefully, or marks it down. Answers the member as it was before the change; empty
   * when no member has that address.
   */
  CompletionStage<Optional<ClusterOverview.Member>> changeMembership(String address, MembershipChange change);

  enum MembershipChange {
    /** Graceful: the member hands its shards off, then is removed. */
    LEAVE,
    /** The member is considered gone at once: for a crashed node the split brain resolver has not downed. */
    DOWN
  }
}
