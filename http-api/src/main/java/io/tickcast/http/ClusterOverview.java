package io.tickcast.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The cluster as one node sees it: {@code self} and {@code leader} are member addresses ({@code
 * leader} null while there is none), and {@code nodes} says which shards of ticker entities each
 * node hosts and how many entities are awake in each.
 */
public record ClusterOverview(String self, String leader, List<Member> members, List<NodeShards> nodes) {

  /**
   * @param status joining, weakly-up, up, leaving, exiting, down or removed
   * @param upSince when this node saw the member become up (for members already up when it
   *     joined: when it joined); null while the member is not up yet
   */
  public record Member(String address, List<String> roles, String status, boolean reachable, Instant upSince) {}

  /**
   * @param entitiesPerShard shard id to the number of ticker entities it has awake, by shard id
   * @param failed shards that did not answer in time (their entity counts are unknown)
   */
  public record NodeShards(String address, int shards, int entities, Map<String, Integer> entitiesPerShard, List<String> failed) {}
}
