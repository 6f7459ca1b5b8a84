package io.colony.worker.task;

import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.WorkerProperties;
import io.colony.worker.cancellation.CancelledJobs;
import io.colony.worker.agent.AgentLoop;
import io.colony.worker.agent.CodedAgent;
import io.colony.worker.agent.CodedAgents;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.identity.WorkerKeys;
import io.colony.worker.telemetry.TaskTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
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
	TaskScheduler taskScheduler(WorkerProperties properties, MeterRegistry meters) {
		return new TaskScheduler(properties.maxRunningTasks(), meters);
	}

	@Bean
	TaskExecution taskExecution(ColonyConsumers consumers, MessagePublisher publisher, AgentLoop loop,
			ServedAgentTypes agentTypes, CancelledJobs cancelledJobs, InFlightTasks inFlight, WorkerIdentity identity,
			WorkerProperties properties, WorkerKeys keys, TaskTelemetry telemetry,
			TaskScheduler scheduler, ObjectProvider<CodedAgent> codedAgents) {
		return new TaskExecution(consumers, publisher, loop, agentTypes, cancelledJobs, inFlight, identity, properties,
				Clock.systemUTC(), keys, telemetry, scheduler,
				new CodedAgents(codedAgents.orderedStream().toList(), agentTypes.all()));
	}
}
