package io.colony.residents.agent;

import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentMessageSent;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.residents.ResidentProperties;
import io.colony.residents.timer.Timer;
import io.colony.residents.timer.TimerStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The internal resident agent API (no authentication: the gateway authenticates, checks scopes and passes the
 * caller's tenant in {@code X-Colony-Tenant}; it proxies {@code /api/v1/agents/**} here one to one). Another
 * tenant's agent is never found.
 */
@RestController
class AgentController {

	static final int MAX_BULK = 10_000;

	static final int MAX_SUMMARY_CHARS = 16_384;

	static final int MAX_FACTS = 64;

	static final int MAX_FACT_KEY_CHARS = 64;

	static final int MAX_FACT_VALUE_CHARS = 1024;

	static final int MAX_CONTENT_BYTES = 32 * 1024;

	private final AgentStore agents;

	private final TimerStore timers;

	private final ResidentTypes types;

	private final MessagePublisher publisher;

	private final TransactionTemplate transactions;

	private final int shards;

	AgentController(AgentStore agents, TimerStore timers, ResidentTypes types, MessagePublisher publisher,
			PlatformTransactionManager transactionManager, ResidentProperties properties) {
		this.agents = agents;
		this.timers = timers;
		this.types = types;
		this.publisher = publisher;
		this.transactions = new TransactionTemplate(transactionManager);
		this.shards = properties.shards();
	}

	record CreateAgent(String id, String type, MemoryBody memory) {
	}

	record MemoryBody(String summary, Map<String, String> facts) {
	}

	record BulkCreate(List<CreateAgent> agents) {
	}

	record SendMessage(String content) {
	}

	record AgentSummary(String id, String type, long messages, Instant createdAt, Instant lastActiveAt) {
	}

	record AgentView(String id, String type, MemoryView memory, long messages, Instant createdAt,
			Instant lastActiveAt, int timers) {
	}

	record MemoryView(String summary, Map<String, String> facts) {
	}

	@PostMapping(path = "/internal/v1/agents", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> create(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@RequestBody(required = false) byte[] body) {
		TenantId tenant = Requests.tenant(tenantHeader);
		NewAgent agent = validate(Requests.read(body, CreateAgent.class), "");
		Instant createdAt = insert(tenant, List.of(agent)).getFirst();
		Map<String, Object> created = new LinkedHashMap<>();
		created.put("id", agent.id().value());
		created.put("type", agent.type().name());
		created.put("createdAt", createdAt);
		return created;
	}

	@PostMapping(path = "/internal/v1/agents/bulk", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> createMany(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@RequestBody(required = false) byte[] body) {
		TenantId tenant = Requests.tenant(tenantHeader);
		BulkCreate request = Requests.read(body, BulkCreate.class);
		if (request.agents() == null || request.agents().isEmpty() || request.agents().size() > MAX_BULK) {
			throw new InvalidRequest("agents must hold 1 to " + MAX_BULK + " agents");
		}
		List<NewAgent> batch = new ArrayList<>(request.agents().size());
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < request.agents().size(); i++) {
			CreateAgent entry = request.agents().get(i);
			if (entry == null) {
				throw new InvalidRequest("agents[" + i + "] must be an object");
			}
			NewAgent agent = validate(entry, "agents[" + i + "].");
			if (!seen.add(agent.id().value())) {
				throw new InvalidRequest("agents[" + i + "].id '" + agent.id() + "' appears twice in the request");
			}
			batch.add(agent);
		}
		insert(tenant, batch);
		Map<String, Object> created = new LinkedHashMap<>();
		created.put("created", batch.size());
		created.put("ids", batch.stream().map(agent -> agent.id().value()).toList());
		return created;
	}

	@GetMapping("/internal/v1/agents")
	Map<String, Object> list(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@RequestParam(required = false) String type, @RequestParam(required = false) String after,
			@RequestParam(required = false) String limit) {
		TenantId tenant = Requests.tenant(tenantHeader);
		int size = 100;
		if (limit != null) {
			try {
				size = Integer.parseInt(limit);
			}
			catch (NumberFormatException ex) {
				size = -1;
			}
			if (size < 1 || size > 1000) {
				throw new InvalidRequest("limit must be a whole number from 1 to 1000, was '" + limit + "'");
			}
		}
		if (type != null && types.find(type).isEmpty()) {
			throw new InvalidRequest("unknown agent type '" + type + "' (known: " + String.join(", ", types.names()) + ")");
		}
		List<StoredAgent> page = agents.page(tenant, type, after, size + 1);
		List<AgentSummary> items = page.stream()
			.limit(size)
			.map(agent -> new AgentSummary(agent.id(), agent.type(), agent.processed(), agent.createdAt(),
					agent.lastActiveAt()))
			.toList();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("items", items);
		result.put("next", page.size() > size ? items.getLast().id() : null);
		return result;
	}

	@GetMapping("/internal/v1/agents/{id}")
	AgentView inspect(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id) {
		TenantId tenant = Requests.tenant(tenantHeader);
		ResidentId agentId = Requests.agentId(id);
		StoredAgent agent = agents.find(tenant, agentId).orElseThrow(() -> new AgentNotFound(id));
		return new AgentView(agent.id(), agent.type(),
				new MemoryView(agent.memory().summary(), agent.memory().facts()), agent.processed(), agent.createdAt(),
				agent.lastActiveAt(), timers.count(tenant, agentId));
	}

	@DeleteMapping("/internal/v1/agents/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id) {
		TenantId tenant = Requests.tenant(tenantHeader);
		if (!agents.delete(tenant, Requests.agentId(id))) {
			throw new AgentNotFound(id);
		}
	}

	/**
	 * Accepted once the broker confirmed the message; the reply arrives as {@code resident.replied}. Published
	 * directly rather than through the outbox: nothing is stored with it, and outbox relays of several instances
	 * publish concurrently, which would let a client's second message to an agent overtake its first.
	 */
	@PostMapping(path = "/internal/v1/agents/{id}/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> send(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id, @RequestBody(required = false) byte[] body) {
		TenantId tenant = Requests.tenant(tenantHeader);
		ResidentId agentId = Requests.agentId(id);
		SendMessage request = Requests.read(body, SendMessage.class);
		if (request.content() == null || request.content().isEmpty()) {
			throw new InvalidRequest("content is required");
		}
		if (request.content().getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
			throw new InvalidRequest("content must be at most " + MAX_CONTENT_BYTES + " bytes");
		}
		ResidentMessageSent message = new ResidentMessageSent(UUID.randomUUID(), agentId, tenant, request.content(),
				ResidentMessageSent.FROM_USER, Instant.now());
		if (!agents.exists(tenant, agentId)) {
			throw new AgentNotFound(id);
		}
		OutboxMessage mail = Mail.to(message, shards);
		try {
			publisher.publish(new Outgoing(mail.exchange(), mail.routingKey(), message, message.messageId(), tenant, null))
				.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MailboxUnavailable(ex);
		}
		catch (ExecutionException ex) {
			throw new MailboxUnavailable(ex.getCause());
		}
		return Map.of("messageId", message.messageId());
	}

	private List<Instant> insert(TenantId tenant, List<NewAgent> batch) {
		return transactions.execute(status -> {
			List<Instant> created = agents.insertAll(tenant, batch);
			List<Timer> checkIns = new ArrayList<>();
			for (NewAgent agent : batch) {
				Timer checkIn = checkIn(tenant, agent, created.getFirst());
				if (checkIn != null) {
					checkIns.add(checkIn);
				}
			}
			if (!checkIns.isEmpty()) {
				timers.insertAll(checkIns);
			}
			return created;
		});
	}

	/**
	 * The first check-in of a type that has them, at the next time of day (UTC) the agent's check-in fact names;
	 * {@code null} when the type has none or the fact is absent.
	 */
	static Timer checkIn(TenantId tenant, NewAgent agent, Instant now) {
		ResidentType.CheckIn checkIn = agent.type().checkIn();
		if (checkIn == null) {
			return null;
		}
		String time = agent.memory().facts().get(checkIn.fact());
		if (time == null) {
			return null;
		}
		LocalTime at = LocalTime.parse(time);
		Instant first = now.atZone(ZoneOffset.UTC).toLocalDate().atTime(at).toInstant(ZoneOffset.UTC);
		if (!first.isAfter(now)) {
			first = first.plus(java.time.Duration.ofDays(1));
		}
		return new Timer(UUID.randomUUID(), tenant.value(), agent.id().value(), first, checkIn.content(),
				checkIn.every(), now);
	}

	private NewAgent validate(CreateAgent request, String prefix) {
		ResidentId id;
		if (request.id() == null) {
			id = ResidentId.of(UUID.randomUUID().toString());
		}
		else if (!ResidentId.isValid(request.id())) {
			throw new InvalidRequest(prefix + "id: agent id must be 1-128 characters of letters, digits, '.', '_', "
					+ "':', '@' or '-', starting with a letter or digit");
		}
		else {
			id = ResidentId.of(request.id());
		}
		if (request.type() == null) {
			throw new InvalidRequest(prefix + "type is required (known: " + String.join(", ", types.names()) + ")");
		}
		ResidentType type = types.find(request.type())
			.orElseThrow(() -> new InvalidRequest(prefix + "type: unknown agent type '" + request.type() + "' (known: "
					+ String.join(", ", types.names()) + ")"));
		Memory memory = Memory.EMPTY;
		if (request.memory() != null) {
			String summary = request.memory().summary() == null ? "" : request.memory().summary();
			if (summary.length() > MAX_SUMMARY_CHARS) {
				throw new InvalidRequest(prefix + "memory.summary must be at most " + MAX_SUMMARY_CHARS + " characters");
			}
			Map<String, String> facts = request.memory().facts() == null ? Map.of() : request.memory().facts();
			if (facts.size() > MAX_FACTS) {
				throw new InvalidRequest(prefix + "memory.facts must hold at most " + MAX_FACTS + " facts");
			}
			for (Map.Entry<String, String> fact : facts.entrySet()) {
				if (fact.getKey().isBlank() || fact.getKey().length() > MAX_FACT_KEY_CHARS) {
					throw new InvalidRequest(prefix + "memory.facts: a fact's name must be 1-" + MAX_FACT_KEY_CHARS
							+ " characters");
				}
				if (fact.getValue() == null || fact.getValue().length() > MAX_FACT_VALUE_CHARS) {
					throw new InvalidRequest(prefix + "memory.facts." + fact.getKey() + " must be a string of at most "
							+ MAX_FACT_VALUE_CHARS + " characters");
				}
			}
			memory = new Memory(summary, facts, List.of());
		}
		if (type.checkIn() != null && memory.facts().containsKey(type.checkIn().fact())) {
			try {
				LocalTime.parse(memory.facts().get(type.checkIn().fact()));
			}
			catch (DateTimeParseException ex) {
				throw new InvalidRequest(prefix + "memory.facts." + type.checkIn().fact()
						+ " must be a time of day HH:MM (UTC), was '" + memory.facts().get(type.checkIn().fact()) + "'");
			}
		}
		return new NewAgent(id, type, memory);
	}
}
