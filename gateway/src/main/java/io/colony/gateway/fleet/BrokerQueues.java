package io.colony.gateway.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.colony.contracts.Destinations;
import io.colony.gateway.fleet.FleetSnapshot.QueueDepth;
import io.colony.gateway.fleet.FleetSnapshot.Queues;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The depth of the mesh's work queues in the gateway's virtual host, from RabbitMQ's management API
 * ({@code GET /api/queues/<vhost>}, only the columns needed). Colony's queues are the agent queues
 * ({@code agent.<capability>}), the services' work queues of {@link ColonyTopology} (and the resident agents' shard
 * queues {@code residents.shard.<n>}), and their {@code .dlq}s;
 * the processes' private event queues come and go with them and are left out.
 */
final class BrokerQueues {

	static final String SOURCE = "RabbitMQ management API";

	static final String AGENT = "agent";

	static final String SERVICE = "service";

	private static final String DLQ_SUFFIX = Destinations.deadLetterQueue("");

	private static final String AGENT_PREFIX = Destinations.agentQueue("");

	private static final Set<String> SERVICE_QUEUES = ColonyTopology.serviceQueues()
		.stream()
		.map(ColonyTopology.WorkQueue::name)
		.collect(Collectors.toUnmodifiableSet());

	private final WebClient client;

	private final String queuesUri;

	private final String vhost;

	private final String authorization;

	private final MessageCodec codec;

	BrokerQueues(WebClient client, URI managementUrl, String vhost, String username, String password,
			MessageCodec codec) {
		this.client = client;
		String base = managementUrl.toString();
		this.queuesUri = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
				+ "/api/queues/{vhost}?columns=name,messages_ready,messages_unacknowledged,consumers";
		this.vhost = vhost;
		this.authorization = "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
		this.codec = codec;
	}

	/** The vhost goes in as a URI variable, so that {@code /} (the default vhost) is sent as {@code %2F}. */
	Mono<Queues> read() {
		return client.get()
			.uri(queuesUri, vhost)
			.header(HttpHeaders.AUTHORIZATION, authorization)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(byte[].class)
			.map(body -> Queues.of(vhost, depths(Arrays.asList(codec.decode(body, ManagementQueue[].class)))));
	}

	/** Colony's queues, each work queue followed by its dead-letter queue, agent queues first. */
	static List<QueueDepth> depths(List<ManagementQueue> queues) {
		return queues.stream()
			.filter(Objects::nonNull)
			.filter(queue -> queue.name() != null && kind(queue.name()) != null)
			.map(queue -> new QueueDepth(queue.name(), kind(queue.name()), queue.name().endsWith(DLQ_SUFFIX),
					orZero(queue.messagesReady()), orZero(queue.messagesUnacknowledged()), orZero(queue.consumers())))
			.sorted(Comparator.comparing((QueueDepth depth) -> depth.kind().equals(AGENT) ? 0 : 1)
				.thenComparing(depth -> workQueue(depth.name()))
				.thenComparing(QueueDepth::deadLetter))
			.toList();
	}

	/**
	 * {@code agent} (a capability's queue, its high-priority queue {@code agent.<capability>.high} included),
	 * {@code service}, or {@code null} for a queue that is not Colony's.
	 */
	static String kind(String name) {
		String queue = workQueue(name);
		if (queue.startsWith(AGENT_PREFIX)) {
			String capability = queue.substring(AGENT_PREFIX.length());
			if (capability.endsWith(HIGH_SUFFIX)) {
				capability = capability.substring(0, capability.length() - HIGH_SUFFIX.length());
			}
			if (Destinations.isValidCapability(capability)) {
				return AGENT;
			}
		}
		return SERVICE_QUEUES.contains(queue) || isResidentShard(queue) ? SERVICE : null;
	}

	private static final String RESIDENT_SHARD_PREFIX = Destinations.residentShardQueue(0).replace("0", "");

	/** The resident agents' shard queues: as many as {@code colony.residents.shards} says, so matched by name. */
	private static boolean isResidentShard(String queue) {
		if (!queue.startsWith(RESIDENT_SHARD_PREFIX) || queue.length() == RESIDENT_SHARD_PREFIX.length()
				|| queue.length() > RESIDENT_SHARD_PREFIX.length() + 5) {
			return false;
		}
		return queue.substring(RESIDENT_SHARD_PREFIX.length()).chars().allMatch(Character::isDigit);
	}

	private static final String HIGH_SUFFIX = ".high";

	private static String workQueue(String name) {
		return name.endsWith(DLQ_SUFFIX) ? name.substring(0, name.length() - DLQ_SUFFIX.length()) : name;
	}

	private static long orZero(Long value) {
		return value == null ? 0 : value;
	}

	/**
	 * One queue as the management API lists it. A queue the broker has not reported statistics for yet has no
	 * message counts.
	 */
	record ManagementQueue(String name, @JsonProperty("messages_ready") Long messagesReady,
			@JsonProperty("messages_unacknowledged") Long messagesUnacknowledged, Long consumers) {
	}
}
