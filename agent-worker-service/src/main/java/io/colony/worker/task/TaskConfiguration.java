package io.colony.worker.task;

import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.WorkerProperties;
import io.colony.worker.cancellation.CancelledJobs;
import io.colony.worker.agent.AgentLoop;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.identity.WorkerKeys;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class TaskConfiguration {

	@Bean
	InFlightTasks inFlightTasks(MeterRegistry meters) {
		return new InFlightTasks(meters);
	}

	@Bean
	TaskExecution taskExecution(ColonyConsumers consumers, MessagePublisher publisher, AgentLoop loop,
			ServedAgentTypes agentTypes, CancelledJobs cancelledJobs, InFlightTasks inFlight, WorkerIdentity identity,
			WorkerProperties properties, WorkerKeys keys) {
		return new TaskExecution(consumers, publisher, loop, agentTypes, cancelledJobs, inFlight, identity, properties,
				Clock.systemUTC(), keys);
	}
}
