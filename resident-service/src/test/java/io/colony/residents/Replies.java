package io.colony.residents;

import io.colony.contracts.Destinations;
import io.colony.contracts.ResidentEvent;
import io.colony.contracts.ResidentReplied;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;

/**
 * Every reply the service committed, read from its outbox (which holds each published message exactly as often as
 * it was committed): what tests count to prove "exactly once".
 */
record Replies(JdbcTemplate jdbc, MessageCodec codec) {

	List<ResidentReplied> all(String tenant) {
		return jdbc.query("select payload from colony_outbox where routing_key = ? and tenant = ? order by id",
				(rs, row) -> (ResidentReplied) codec.decode(rs.getBytes("payload"), ResidentEvent.class),
				Destinations.RESIDENT_REPLIED, tenant);
	}

	List<ResidentReplied> of(String tenant, String agent) {
		return all(tenant).stream().filter(reply -> reply.agentId().value().equals(agent)).toList();
	}
}
