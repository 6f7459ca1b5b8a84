package io.colony.worker.task;

import io.colony.contracts.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskSchedulerTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void runsAtMostTheLimitAndStartsHighThenNormalThenLowFirstInFirstOutWithinEach() {
		TaskScheduler scheduler = new TaskScheduler(2, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("n1", Priority.NORMAL);
		tasks.submit("n2", Priority.NORMAL);
		tasks.submit("l1", Priority.LOW);
		tasks.submit("n3", Priority.NORMAL);
		tasks.submit("h1", Priority.HIGH);
		tasks.submit("l2", Priority.LOW);
		tasks.submit("h2", Priority.HIGH);
		tasks.submit("n4", Priority.NORMAL);

		assertThat(tasks.started).containsExactly("n1", "n2");
		assertThat(scheduler.running()).isEqualTo(2);
		assertThat(gauge(Priority.HIGH)).isEqualTo(2);
		assertThat(gauge(Priority.NORMAL)).isEqualTo(2);
		assertThat(gauge(Priority.LOW)).isEqualTo(2);

		for (String name : List.of("n1", "n2", "h1", "h2", "n3", "n4", "l1", "l2")) {
			tasks.finish(name);
		}
		assertThat(tasks.started).containsExactly("n1", "n2", "h1", "h2", "n3", "n4", "l1", "l2");
		assertThat(scheduler.running()).isZero();
		assertThat(scheduler.waiting()).isZero();
		assertThat(tasks.results).hasSize(8);
	}

	@Test
	void aSlotIsFreedHoweverTheWorkEnds() {
		TaskScheduler scheduler = new TaskScheduler(1, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("failing", Priority.NORMAL);
		tasks.submit("cancelled", Priority.NORMAL);
		tasks.submit("last", Priority.NORMAL);

		tasks.work.get("failing").tryEmitError(new IllegalStateException("boom"));
		assertThat(tasks.started).containsExactly("failing", "cancelled");
		tasks.subscriptions.get("cancelled").dispose();
		assertThat(tasks.started).containsExactly("failing", "cancelled", "last");
		assertThat(scheduler.running()).isEqualTo(1);
	}

	@Test
	void aTaskCancelledWhileWaitingLeavesItsQueueAndFreesNothingItDidNotHold() {
		TaskScheduler scheduler = new TaskScheduler(1, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("running", Priority.NORMAL);
		tasks.submit("dropped", Priority.HIGH);
		tasks.submit("next", Priority.NORMAL);

		tasks.subscriptions.get("dropped").dispose();

		assertThat(scheduler.running()).isEqualTo(1);
		assertThat(gauge(Priority.HIGH)).isZero();
		assertThat(tasks.started).as("cancelling a waiting task starts nobody").containsExactly("running");
		tasks.finish("running");
		assertThat(tasks.started).containsExactly("running", "next");
		assertThat(scheduler.running()).isEqualTo(1);
	}

	@Test
	void closingHandsBackEveryWaitingTaskAndStartsNothingMore() {
		TaskScheduler scheduler = new TaskScheduler(1, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("running", Priority.NORMAL);
		tasks.submit("waiting-1", Priority.HIGH);
		tasks.submit("waiting-2", Priority.LOW);

		assertThat(scheduler.close()).isEqualTo(2);
		tasks.submit("late", Priority.HIGH);
		tasks.finish("running");

		assertThat(tasks.started).containsExactly("running");
		assertThat(tasks.errors).containsOnlyKeys("waiting-1", "waiting-2", "late");
		assertThat(tasks.errors.values()).allMatch(TaskScheduler.HandedBack.class::isInstance);
		assertThat(scheduler.running()).isZero();
		assertThat(scheduler.waiting()).isZero();
	}

	@Test
	void aLongRunOfTasksThatEndAsTheyStartDoesNotOverflowTheStack() {
		TaskScheduler scheduler = new TaskScheduler(1, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("running", Priority.NORMAL);
		List<String> ended = new ArrayList<>();
		for (int i = 0; i < 100_000; i++) {
			String name = "dropped-" + i;
			scheduler.run(Priority.NORMAL, Mono.<String>empty()).subscribe(null, null, () -> ended.add(name));
		}

		tasks.finish("running");

		assertThat(ended).hasSize(100_000);
		assertThat(scheduler.running()).isZero();
		assertThat(scheduler.waiting()).isZero();
	}

	@Test
	void aTaskWithoutAPriorityWaitsAsNormal() {
		TaskScheduler scheduler = new TaskScheduler(1, meters);
		Tasks tasks = new Tasks(scheduler);
		tasks.submit("running", Priority.NORMAL);
		tasks.submit("low", Priority.LOW);
		tasks.submit("unmarked", null);

		assertThat(gauge(Priority.NORMAL)).isEqualTo(1);
		tasks.finish("running");
		assertThat(tasks.started).containsExactly("running", "unmarked");
	}

	private double gauge(Priority priority) {
		return meters.get("colony.worker.tasks.waiting").tag("priority", priority.wireName()).gauge().value();
	}

	private static final class Tasks {

		final TaskScheduler scheduler;

		final List<String> started = new ArrayList<>();

		final List<String> results = new ArrayList<>();

		final java.util.Map<String, Throwable> errors = new java.util.LinkedHashMap<>();

		final java.util.Map<String, Sinks.One<String>> work = new java.util.HashMap<>();

		final java.util.Map<String, Disposable> subscriptions = new java.util.HashMap<>();

		Tasks(TaskScheduler scheduler) {
			this.scheduler = scheduler;
		}

		void submit(String name, Priority priority) {
			Sinks.One<String> answer = Sinks.one();
			work.put(name, answer);
			subscriptions.put(name, scheduler.run(priority, Mono.defer(() -> {
				started.add(name);
				return answer.asMono();
			})).subscribe(results::add, error -> errors.put(name, error)));
		}

		void finish(String name) {
			work.get(name).tryEmitValue(name);
		}
	}
}
