package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import io.tickcast.http.ClusterOverview;
import io.tickcast.http.ClusterService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;

/** {@link ClusterService} on Pekko Cluster (membership) and Cluster Sharding (shard statistics). */
final class PekkoClusterService implements ClusterService {

  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final Duration timeout;
  /** When this node saw each member become up; Pekko keeps no such time. */
  private final Map<Address, Instant> upSince = new ConcurrentHashMap<>();

  /** @param timeout how long every shard region has to report its shards */
  PekkoClusterService(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.timeout = timeout;
    ActorRef<ClusterEvent.MemberEvent> tracker = system.systemActorOf(upTracker(), "cluster-up-since", Props.empty());
    // Members already up when this node subscribes arrive as MemberUp events too.
    cluster.subscriptions().tell(Subscribe.create(tracker, ClusterEvent.MemberEvent.class));
  }

  private Behavior<ClusterEvent.MemberEvent> upTracker() {
    return Behaviors.receive(ClusterEvent.MemberEvent.class)
        .onMessage(
            ClusterEvent.MemberUp.class,
            up -> {
              upSince.putIfAbsent(up.member().address(), Instant.now());
              return Behaviors.same();
            })
        .onMessage(
            ClusterEvent.MemberRemoved.class,
            removed -> {
              upSince.remove(removed.member().address());
              return Behaviors.same();
            })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  @Override
  public CompletionStage<ClusterOverview> overview() {
    ClusterEvent.CurrentClusterState state = cluster.state();
    List<ClusterOverview.Member> members =
        StreamSupport.stream(state.getMembers().spliterator(), false).map(m -> member(m, state)).toList();
    Address leader = state.getLeader();
    return AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(TickerEntity.ENTITY_KEY, timeout, replyTo),
            timeout.plusSeconds(1),
            system.scheduler())
        .thenApply(
            stats ->
                new ClusterOverview(
                    cluster.selfMember().address().toString(),
                    leader == null ? null : leader.toString(),
                    members,
                    nodes(stats)));
  }

  private static List<ClusterOverview.NodeShards> nodes(ShardRegion.ClusterShardingStats stats) {
    List<ClusterOverview.NodeShards> nodes = new ArrayList<>();
    stats
        .getRegions()
        .forEach(
            (address, region) -> {
              Map<String, Integer> perShard = new TreeMap<>(SHARD_ORDER);
              region.getStats().forEach((shard, entities) -> perShard.put(shard, (Integer) entities));
              nodes.add(
                  new ClusterOverview.NodeShards(
                      address.toString(),
                      perShard.size(),
                      perShard.values().stream().mapToInt(Integer::intValue).sum(),
                      perShard,
                      region.getFailed().stream().sorted(SHARD_ORDER).toList()));
            });
    nodes.sort(Comparator.comparing(ClusterOverview.NodeShards::address));
    return nodes;
  }

  /** Shard ids are Kafka partition numbers: numeric order, not text order. */
  private static final Comparator<String> SHARD_ORDER =
      Comparator.<String>comparingInt(id -> id.chars().allMatch(Character::isDigit) ? id.length() : Integer.MAX_VALUE)
          .thenComparing(Comparator.naturalOrder());

  private ClusterOverview.Member member(Member m, ClusterEvent.CurrentClusterState state) {
    return new ClusterOverview.Member(
        m.address().toString(),
        m.getRoles().stream().sorted().toList(),
        status(m.status()),
        !state.getUnreachable().contains(m),
        upSince.get(m.address()));
  }

  /** {@code WeaklyUp} as {@code weakly-up}. */
  private static String status(MemberStatus status) {
    return status.toString().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public CompletionStage<Optional<ClusterOverview.Member>> changeMembership(String address, MembershipChange change) {
    Address target = AddressFromURIString.parse(address);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Optional<Member> member =
        StreamSupport.stream(state.getMembers().spliterator(), false).filter(m -> m.address().equals(target)).findFirst();
    if (member.isPresent()) {
      cluster.manager().tell(change == MembershipChange.LEAVE ? Leave.create(target) : new Down(target));
    }
    return CompletableFuture.completedFuture(member.map(m -> member(m, state)));
  }
}
