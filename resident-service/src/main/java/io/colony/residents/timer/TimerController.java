package io.colony.residents.timer;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.residents.agent.AgentNotFound;
import io.colony.residents.agent.AgentStore;
import io.colony.residents.agent.InvalidRequest;
import io.colony.residents.agent.Requests;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Timers of one agent: schedule, list, cancel. Internal API (the gateway authenticates and passes the tenant). */
@RestController
class TimerController {

	static final int MAX_CONTENT_BYTES = 32 * 1024;

	static final Duration MAX_DELAY = Duration.ofDays(366);

	private final AgentStore agents;

	private final TimerStore timers;

	private final TransactionTemplate transactions;

	private final TimerProperties properties;

	TimerController(AgentStore agents, TimerStore timers, PlatformTransactionManager transactionManager,
			TimerProperties properties) {
		this.agents = agents;
		this.timers = timers;
		this.transactions = new TransactionTemplate(transactionManager);
		this.properties = properties;
	}

	record ScheduleTimer(String after, String at, String content, String every) {
	}

	/** @param every ISO-8601 ({@code PT24H}), or {@code null} for a one-shot timer */
	record TimerView(UUID timerId, Instant fireAt, String content, String every, Instant createdAt) {

		static TimerView of(Timer timer) {
			return new TimerView(timer.timerId(), timer.fireAt(), timer.content(),
					timer.every() == null ? null : timer.every().toString(), timer.createdAt());
		}
	}

	@PostMapping(path = "/internal/v1/agents/{id}/timers", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> schedule(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id, @RequestBody(required = false) byte[] body) {
		TenantId tenant = Requests.tenant(tenantHeader);
		ResidentId agent = Requests.agentId(id);
		ScheduleTimer request = Requests.read(body, ScheduleTimer.class);
		Instant now = Instant.now();
		Instant fireAt = fireAt(request, now);
		Duration every = null;
		if (request.every() != null) {
			every = duration("every", request.every());
			if (every.compareTo(properties.minEvery()) < 0 || every.compareTo(MAX_DELAY) > 0) {
				throw new InvalidRequest("every must be between " + properties.minEvery() + " and " + MAX_DELAY
						+ ", was " + request.every());
			}
		}
		if (request.content() == null || request.content().isEmpty()) {
			throw new InvalidRequest("content is required");
		}
		if (request.content().getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
			throw new InvalidRequest("content must be at most " + MAX_CONTENT_BYTES + " bytes");
		}
		Timer timer = new Timer(UUID.randomUUID(), tenant.value(), agent.value(), fireAt, request.content(), every, now);
		transactions.executeWithoutResult(status -> {
			if (!agents.exists(tenant, agent)) {
				throw new AgentNotFound(agent.value());
			}
			if (timers.count(tenant, agent) >= properties.maxPerAgent()) {
				throw new TooManyTimers(agent.value(), properties.maxPerAgent());
			}
			timers.insertAll(List.of(timer));
		});
		return Map.of("timerId", timer.timerId(), "fireAt", timer.fireAt());
	}

	@GetMapping("/internal/v1/agents/{id}/timers")
	Map<String, Object> list(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id) {
		TenantId tenant = Requests.tenant(tenantHeader);
		ResidentId agent = Requests.agentId(id);
		if (!agents.exists(tenant, agent)) {
			throw new AgentNotFound(agent.value());
		}
		return Map.of("items", timers.list(tenant, agent).stream().map(TimerView::of).toList());
	}

	@DeleteMapping("/internal/v1/agents/{id}/timers/{timerId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void cancel(@RequestHeader(name = "X-Colony-Tenant", required = false) String tenantHeader,
			@PathVariable String id, @PathVariable String timerId) {
		TenantId tenant = Requests.tenant(tenantHeader);
		ResidentId agent = Requests.agentId(id);
		UUID timer;
		try {
			timer = UUID.fromString(timerId);
		}
		catch (IllegalArgumentException ex) {
			throw new TimerNotFound(timerId);
		}
		if (!timers.delete(tenant, agent, timer)) {
			throw new TimerNotFound(timerId);
		}
	}

	private static Instant fireAt(ScheduleTimer request, Instant now) {
		if ((request.after() == null) == (request.at() == null)) {
			throw new InvalidRequest("give exactly one of after (an ISO-8601 duration such as PT10M) or at (an instant)");
		}
		if (request.after() != null) {
			Duration after = duration("after", request.after());
			if (after.isNegative() || after.compareTo(MAX_DELAY) > 0) {
				throw new InvalidRequest("after must be between PT0S and " + MAX_DELAY + ", was " + request.after());
			}
			return now.plus(after);
		}
		Instant at;
		try {
			at = Instant.parse(request.at());
		}
		catch (DateTimeParseException ex) {
			throw new InvalidRequest("at must be an ISO-8601 instant such as 2030-01-01T08:00:00Z, was '" + request.at() + "'");
		}
		if (at.isAfter(now.plus(MAX_DELAY))) {
			throw new InvalidRequest("at must be within " + MAX_DELAY + " from now");
		}
		// an instant already past fires at the next poll
		return at;
	}

	private static Duration duration(String field, String value) {
		try {
			return Duration.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new InvalidRequest(field + " must be an ISO-8601 duration such as PT10M, was '" + value + "'");
		}
	}
}
