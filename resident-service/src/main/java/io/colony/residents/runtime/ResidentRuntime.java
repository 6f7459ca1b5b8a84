package io.colony.residents.runtime;

import io.colony.contracts.Destinations;
import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentMail;
import io.colony.contracts.ResidentMessageSent;
import io.colony.contracts.ResidentReplied;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.PermanentFailure;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.residents.ResidentProperties;
import io.colony.residents.agent.ActivationReads;
import io.colony.residents.agent.AgentStore;
import io.colony.residents.agent.Memory;
import io.colony.residents.agent.ResidentType;
import io.colony.residents.agent.ResidentTypes;
import io.colony.residents.agent.StoredAgent;
import io.colony.residents.model.Completion;
import io.colony.residents.model.Prompt;
import io.colony.residents.model.ResidentModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The actor runtime of resident agents.
 *
 * <p><b>Ordering.</b> A shard's messages arrive in queue order on its one active consumer, and {@link #deliver} puts
 * each into its agent's mailbox before returning, so an agent's mailbox is in send order. One message of an agent is
 * processed at a time (the {@code busy} flag); the next starts when the previous is committed. Different agents'
 * turns run concurrently, up to the shard consumers' prefetch.
 *
 * <p><b>No thread per agent or per turn.</b> A turn is a chain of futures: activation and the commit run on virtual
 * threads (blocking JDBC), the LLM call is a {@code Mono} (a timer or a non-blocking HTTP call).
 *
 * <p><b>Exactly once to completion.</b> A turn commits one transaction: the message id claimed in the inbox, the
 * memory saved if the row is still at the processed count this copy read, the reply appended to the outbox. The
 * broker delivery is acknowledged only after that commit. A redelivered message already in the inbox is acknowledged
 * without a model call. A copy of the agent made stale by another owner (the shard moved and came back) fails the
 * save, is reloaded from PostgreSQL and the turn runs again.
 *
 * <p><b>Activation and passivation.</b> An agent not in memory is loaded on its first message (timed as
 * {@code colony.residents.activation}); it is dropped from memory after {@code idle-timeout} without messages, or
 * when more than {@code max-active} are held or the heap is under pressure (least recently active first). Nothing is
 * written on passivation: memory is saved after every turn.
 */
@Component
public class ResidentRuntime implements SmartLifecycle {

	static final String CONSUMER = "residents.mailbox";

	private static final Logger log = LoggerFactory.getLogger(ResidentRuntime.class);

	private final ConcurrentHashMap<String, Resident> active = new ConcurrentHashMap<>();

	private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(
			Thread.ofVirtual().name("resident-", 0).factory());

	private final AgentStore agents;

	private final ActivationReads activationReads;

	private final ResidentTypes types;

	private final ResidentModel model;

	private final Inbox inbox;

	private final Outbox outbox;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final ResidentProperties properties;

	private final Timer activation;

	private final Timer reply;

	private final MeterRegistry meters;

	private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final long epoch = System.nanoTime();

	private volatile boolean running;

	private volatile boolean stopping;

	public ResidentRuntime(AgentStore agents, ActivationReads activationReads, ResidentTypes types, ResidentModel model,
			Inbox inbox, Outbox outbox, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			ResidentProperties properties, MeterRegistry meters) {
		this.agents = agents;
		this.activationReads = activationReads;
		this.types = types;
		this.model = model;
		this.inbox = inbox;
		this.outbox = outbox;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.properties = properties;
		this.meters = meters;
		this.activation = Timer.builder("colony.residents.activation")
			.description("loading one agent from PostgreSQL on its first message")
			.publishPercentileHistogram()
			.publishPercentiles(0.5, 0.99)
			.distributionStatisticExpiry(Duration.ofMinutes(10))
			.register(meters);
		this.reply = Timer.builder("colony.residents.reply")
			.description("message sent to reply committed (published by the outbox right after)")
			.publishPercentileHistogram()
			.publishPercentiles(0.5, 0.99)
			.distributionStatisticExpiry(Duration.ofMinutes(10))
			.register(meters);
		Gauge.builder("colony.residents.active", active, Map::size)
			.description("resident agents in memory")
			.register(meters);
		Gauge.builder("colony.residents.processing", inFlight, AtomicInteger::get)
			.description("messages being processed")
			.register(meters);
	}

	/** Puts a shard's message into its agent's mailbox; the stage completes when it is committed or dropped. */
	public CompletionStage<?> deliver(Inbound<ResidentMail> inbound) {
		if (!(inbound.payload() instanceof ResidentMessageSent message)) {
			log.debug("ignoring resident mail {} of unknown type", inbound.messageId());
			outcome("ignored").increment();
			return CompletableFuture.completedFuture(null);
		}
		if (message.agentId() == null || message.tenant() == null || message.content() == null) {
			throw new PermanentFailure("ResidentMessageSent " + inbound.messageId() + " has no agentId, tenant or content");
		}
		Delivery delivery = new Delivery(message, inbound.messageId(),
				Boolean.TRUE.equals(inbound.message().getMessageProperties().isRedelivered()) || inbound.attempt() > 1,
				inbound.settleable(), new CompletableFuture<>());
		enqueue(key(message.tenant(), message.agentId()), delivery);
		return delivery.done();
	}

	static String key(TenantId tenant, ResidentId id) {
		// an id has no spaces, so the first space separates it from the tenant
		return id.value() + ' ' + tenant.value();
	}

	void enqueue(String key, Delivery delivery) {
		while (true) {
			Resident resident = active.computeIfAbsent(key, ignored -> new Resident(now()));
			synchronized (resident) {
				if (resident.state == Resident.GONE) {
					continue;
				}
				if (resident.busy) {
					resident.enqueue(delivery);
					return;
				}
				resident.busy = true;
				if (delivery.redelivered() && !properties.redeliverySettle().isZero()) {
					// let the agent's other redeliveries arrive, then start with the one sent first
					resident.enqueue(delivery);
					CompletableFuture.delayedExecutor(properties.redeliverySettle().toMillis(), TimeUnit.MILLISECONDS,
							blocking).execute(() -> next(key, resident));
					return;
				}
			}
			run(key, resident, delivery);
			return;
		}
	}

	private void run(String key, Resident resident, Delivery delivery) {
		if (stopping || !delivery.owned().getAsBoolean()) {
			// Not started and not settled: when the consumers stop, the broker puts it back in its queue for the next
			// owner with every other unacknowledged message of the closed channel. When the channel has closed already
			// (the connection dropped), the broker has done so: the next owner may be running it now, and only turns
			// started before the loss compete with that owner (through the inbox and the processed count).
			if (!stopping) {
				outcome("released").increment();
				// ends the consumer's span; its acknowledgement fails quietly on the closed channel
				delivery.done().complete(null);
			}
			next(key, resident);
			return;
		}
		inFlight.incrementAndGet();
		CompletableFuture<String> outcome;
		try {
			outcome = handle(resident, delivery, 1);
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		outcome.whenCompleteAsync((result, error) -> {
			inFlight.decrementAndGet();
			if (error == null) {
				outcome(result).increment();
				delivery.done().complete(null);
			}
			else {
				outcome("failed").increment();
				delivery.done().completeExceptionally(unwrap(error));
			}
			next(key, resident);
		}, blocking);
	}

	private void next(String key, Resident resident) {
		Delivery next;
		synchronized (resident) {
			next = resident.poll();
			if (next == null) {
				resident.busy = false;
				if (resident.state == Resident.MISSING) {
					active.remove(key, resident);
					resident.state = Resident.GONE;
				}
				return;
			}
		}
		run(key, resident, next);
	}

	/** One message: activate if needed, skip if already processed, else one turn; retried in place on failure. */
	private CompletableFuture<String> handle(Resident resident, Delivery delivery, int attempt) {
		ResidentMessageSent message = delivery.message();
		CompletableFuture<Void> ready = resident.state == Resident.LOADING ? activate(resident, message)
				: CompletableFuture.completedFuture(null);
		return ready.thenCompose(ignored -> {
			if (resident.state == Resident.MISSING) {
				return CompletableFuture.completedFuture("unknown-agent");
			}
			if (delivery.redelivered()) {
				return CompletableFuture.supplyAsync(() -> processedBefore(delivery.inboxId()), blocking)
					.thenCompose(seen -> {
						if (seen) {
							// another owner answered it; this copy of the agent may be behind that owner's
							resident.state = Resident.LOADING;
							return CompletableFuture.completedFuture("duplicate");
						}
						return turn(resident, delivery);
					});
			}
			return turn(resident, delivery);
		}).exceptionallyCompose(error -> {
			Throwable cause = unwrap(error);
			if (attempt >= properties.turnAttempts() || stopping || !delivery.owned().getAsBoolean()) {
				log.warn("message {} to agent {} failed after {} attempts: {}", delivery.inboxId(), message.agentId(),
						attempt, cause.toString());
				resident.state = Resident.LOADING;
				return CompletableFuture.failedFuture(cause);
			}
			if (cause instanceof StaleAgent) {
				log.debug("agent {} was saved by another owner; reloading it", message.agentId());
				resident.state = Resident.LOADING;
				return handle(resident, delivery, attempt + 1);
			}
			log.info("message {} to agent {} failed (attempt {}), retrying: {}", delivery.inboxId(), message.agentId(),
					attempt, cause.toString());
			resident.state = Resident.LOADING;
			return CompletableFuture
				.supplyAsync(() -> null, CompletableFuture.delayedExecutor(200L * attempt, TimeUnit.MILLISECONDS, blocking))
				.thenCompose(ignored -> handle(resident, delivery, attempt + 1));
		});
	}

	private CompletableFuture<Void> activate(Resident resident, ResidentMessageSent message) {
		return CompletableFuture.runAsync(() -> {
			long start = System.nanoTime();
			Optional<StoredAgent> stored = activationReads.find(message.tenant(), message.agentId());
			activation.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			if (stored.isEmpty()) {
				resident.state = Resident.MISSING;
				return;
			}
			StoredAgent agent = stored.get();
			resident.type = types.canonicalName(agent.type());
			resident.memory = MemoryCodec.encode(agent.memory());
			resident.processed = agent.processed();
			resident.lastActive = now();
			resident.state = Resident.ACTIVE;
		}, blocking).thenRun(this::relieveIfCrowded);
	}

	private boolean processedBefore(UUID messageId) {
		return Boolean.TRUE.equals(jdbc.queryForObject(
				"select exists (select 1 from colony_inbox where consumer = ? and message_id = ?)", Boolean.class,
				CONSUMER, messageId));
	}

	/** Asks the model, summarises when over budget, then commits. */
	private CompletableFuture<String> turn(Resident resident, Delivery delivery) {
		ResidentMessageSent message = delivery.message();
		ResidentType type = types.resolve(resident.type);
		Memory memory = MemoryCodec.decode(resident.memory);
		long sequence = resident.processed + 1;
		Prompt prompt = new Prompt(type.systemPromptFor(memory.facts()), memory, message.content(), sequence);
		return model.answer(prompt).toFuture().thenCompose(answer -> {
			Memory next = memory.withTurn(new Memory.Turn(message.content(), answer.text()), type.recentTurns());
			Usage usage = usage(answer);
			if (next.estimatedTokens() <= type.contextBudget()) {
				return CompletableFuture.completedFuture(new TurnResult(answer.text(), next, usage));
			}
			return model.summarise(next, Math.max(20, type.contextBudget() / 4))
				.toFuture()
				.thenApply(summary -> new TurnResult(answer.text(), next.summarised(summary.text(), 1),
						usage.plus(usage(summary))));
		}).thenApplyAsync(result -> commit(resident, delivery, sequence, result), blocking);
	}

	private record TurnResult(String reply, Memory memory, Usage usage) {
	}

	private String commit(Resident resident, Delivery delivery, long sequence, TurnResult result) {
		ResidentMessageSent message = delivery.message();
		Instant now = Instant.now();
		String outcome = transactions.execute(status -> {
			if (inbox.claim(CONSUMER, List.of(delivery.inboxId())).isEmpty()) {
				return "duplicate";
			}
			if (!agents.saveTurn(message.tenant(), message.agentId(), sequence - 1, result.memory())) {
				throw new StaleAgent();
			}
			ResidentReplied replied = new ResidentReplied(message.agentId(), message.tenant(), message.messageId(),
					sequence, result.reply(), result.usage(), now);
			UUID replyId = UUID.nameUUIDFromBytes(("resident-reply:" + delivery.inboxId()).getBytes(StandardCharsets.UTF_8));
			outbox.append(new OutboxMessage(Destinations.EVENTS, Destinations.RESIDENT_REPLIED, replied, replyId,
					message.tenant(), null, null));
			return "replied";
		});
		if ("duplicate".equals(outcome)) {
			resident.state = Resident.LOADING;
			return outcome;
		}
		resident.memory = MemoryCodec.encode(result.memory());
		resident.processed = sequence;
		resident.lastActive = now();
		if (message.sentAt() != null) {
			reply.record(Duration.between(message.sentAt(), now));
		}
		return outcome;
	}

	private static Usage usage(Completion completion) {
		return new Usage(completion.promptTokens(), completion.completionTokens(), 1);
	}

	/** Thrown inside the commit when the stored row moved on or is gone; the turn reloads the agent. */
	static final class StaleAgent extends RuntimeException {

		StaleAgent() {
			super("the agent's stored memory changed since it was loaded", null, false, false);
		}
	}

	// ---- passivation -------------------------------------------------------------------------------------------

	/** Passivates agents idle longer than the timeout, then the least recently active above the limits. */
	@org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${colony.residents.sweep-interval:PT5S}")
	void sweep() {
		int idle = passivateIdleFor(properties.idleTimeout());
		int excess = active.size() - properties.maxActive();
		int pressure = 0;
		if (excess > 0) {
			pressure += passivateLeastRecentlyActive(excess);
		}
		if (heapPressure() > properties.heapPressure()) {
			pressure += passivateLeastRecentlyActive(Math.max(1, active.size() / 4));
		}
		if (idle + pressure > 0) {
			log.debug("passivated {} idle and {} agents under pressure; {} active", idle, pressure, active.size());
		}
	}

	private volatile boolean relieving;

	/**
	 * On activation above {@code max-active}, frees room at once rather than at the next sweep; a hundredth of the
	 * limit more than needed, so that the scan runs once per that many activations, not on every one.
	 */
	private void relieveIfCrowded() {
		if (active.size() > properties.maxActive() && !relieving) {
			relieving = true;
			try {
				passivateLeastRecentlyActive(active.size() - properties.maxActive() + Math.max(1, properties.maxActive() / 100));
			}
			finally {
				relieving = false;
			}
		}
	}

	int passivateIdleFor(Duration idleTimeout) {
		int cutoff = now() - (int) Math.max(0, idleTimeout.toSeconds());
		int passivated = 0;
		for (Map.Entry<String, Resident> entry : active.entrySet()) {
			if (entry.getValue().lastActive <= cutoff && passivate(entry.getKey(), entry.getValue())) {
				passivated++;
			}
		}
		passivations("idle", passivated);
		return passivated;
	}

	/** Passivates up to {@code count} idle agents, least recently active first. */
	int passivateLeastRecentlyActive(int count) {
		int[] stamps = new int[active.size()];
		int n = 0;
		for (Resident resident : active.values()) {
			if (n == stamps.length) {
				break;
			}
			stamps[n++] = resident.lastActive;
		}
		if (n == 0) {
			return 0;
		}
		Arrays.sort(stamps, 0, n);
		int threshold = stamps[Math.min(count, n) - 1];
		int passivated = 0;
		for (Map.Entry<String, Resident> entry : active.entrySet()) {
			if (passivated >= count) {
				break;
			}
			if (entry.getValue().lastActive <= threshold && passivate(entry.getKey(), entry.getValue())) {
				passivated++;
			}
		}
		passivations("pressure", passivated);
		return passivated;
	}

	/** Passivates every agent not processing a message; returns how many. */
	public int passivateAll() {
		int passivated = 0;
		for (Map.Entry<String, Resident> entry : active.entrySet()) {
			if (passivate(entry.getKey(), entry.getValue())) {
				passivated++;
			}
		}
		passivations("idle", passivated);
		return passivated;
	}

	private boolean passivate(String key, Resident resident) {
		synchronized (resident) {
			if (resident.busy || resident.state == Resident.GONE) {
				return false;
			}
			active.remove(key, resident);
			resident.state = Resident.GONE;
			return true;
		}
	}

	private void passivations(String reason, int count) {
		if (count > 0) {
			Counter.builder("colony.residents.passivations").tag("reason", reason).register(meters).increment(count);
		}
	}

	/**
	 * Live data as a fraction of the maximum heap: what the old generation held after its last collection (the heap
	 * in use at any moment is mostly garbage waiting for the next young collection, and would passivate agents for
	 * nothing): 0 until the first old collection, which comes before the heap runs out. With a collector whose pools
	 * do not say, the heap in use.
	 */
	static double heapPressure() {
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		if (heap.getMax() <= 0) {
			return 0;
		}
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
					&& OLD_GENERATION.matcher(pool.getName()).find()) {
				MemoryUsage afterCollection = pool.getCollectionUsage();
				return afterCollection == null ? 0 : (double) afterCollection.getUsed() / heap.getMax();
			}
		}
		return (double) heap.getUsed() / heap.getMax();
	}

	/** Serial's "Tenured Gen", Parallel's "PS Old Gen", G1's "G1 Old Gen", ZGC's "ZGC Old Generation". */
	private static final java.util.regex.Pattern OLD_GENERATION = java.util.regex.Pattern.compile("Old|Tenured");

	// ---- introspection -----------------------------------------------------------------------------------------

	public int activeCount() {
		return active.size();
	}

	/**
	 * Heap held by the memories of the agents in memory: their compact JSON byte arrays, with each array's header and
	 * padding (16 bytes of header, rounded up to 8), as a 64-bit JVM with compressed pointers lays them out. This is the
	 * agents' own data; everything else an agent in memory costs is the runtime's.
	 */
	public long memoryBytes() {
		long bytes = 0;
		for (Resident resident : active.values()) {
			byte[] memory = resident.memory;
			if (memory != null) {
				bytes += (16 + memory.length + 7) & ~7L;
			}
		}
		return bytes;
	}

	public int processingCount() {
		return inFlight.get();
	}

	public boolean isActive(TenantId tenant, ResidentId id) {
		Resident resident = active.get(key(tenant, id));
		return resident != null && resident.state == Resident.ACTIVE;
	}

	public Timer activationTimer() {
		return activation;
	}

	public Timer replyTimer() {
		return reply;
	}

	public Map<String, Double> outcomes() {
		Map<String, Double> counts = new java.util.TreeMap<>();
		outcomes.forEach((name, counter) -> counts.put(name, counter.count()));
		return counts;
	}

	private Counter outcome(String name) {
		return outcomes.computeIfAbsent(name, key -> Counter.builder("colony.residents.messages")
			.tag("outcome", key)
			.description("mailbox messages by outcome: replied, duplicate, unknown-agent, ignored, released, failed")
			.register(meters));
	}

	private int now() {
		return (int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - epoch);
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	// ---- lifecycle ---------------------------------------------------------------------------------------------

	@Override
	public void start() {
		stopping = false;
		running = true;
	}

	/**
	 * Runs before the shard consumers stop: no new turn starts (deliveries still arriving or queued are left unsettled,
	 * and go back to their queue for the next owner when the consumers' channels close), and turns under way get up to
	 * 10 s to commit and be acknowledged on their still open channels.
	 */
	@Override
	public void stop() {
		stopping = true;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (inFlight.get() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Above the consumers' phase ({@code Integer.MAX_VALUE - 100}): stops before them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 50;
	}
}
