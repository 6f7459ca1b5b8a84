package io.colony.orchestrator.capability;

import java.util.Comparator;
import java.util.List;

/** What the directory knows about the agents serving one agent type. */
public sealed interface CapabilityAnswer {

	/**
	 * Live agents serve the type on one or more capabilities (queues), each a {@link Pool}. Tasks go to the
	 * {@link #leastLoaded() least-loaded} pool; {@link #capability()} and {@link #model()} are that pool's.
	 */
	record Served(List<Pool> pools) implements CapabilityAnswer {

		public Served {
			if (pools == null || pools.isEmpty()) {
				throw new IllegalArgumentException("a served agent type has at least one pool");
			}
			pools = List.copyOf(pools);
		}

		/** One pool whose load is not known. */
		public Served(String capability, String model) {
			this(List.of(new Pool(capability, model, 0, 0)));
		}

		public Served(String capability) {
			this(capability, null);
		}

		/**
		 * The pool with the lowest load ratio (its agents' summed in-flight over summed capacity); on a tie the
		 * one with more free slots, then the first by name, so that the choice is the same for the same answer.
		 */
		public Pool leastLoaded() {
			return pools.stream()
				.min(Comparator.comparingDouble(Pool::loadRatio)
					.thenComparing(Comparator.comparingLong(Pool::freeSlots).reversed())
					.thenComparing(Pool::capability))
				.orElseThrow();
		}

		/** The capability (queue) tasks of the type are dispatched to now. */
		public String capability() {
			return leastLoaded().capability();
		}

		/** The model the least-loaded pool's agents announce for the type; {@code null} when they name none. */
		public String model() {
			return leastLoaded().model();
		}
	}

	/**
	 * The live agents serving an agent type on one capability.
	 *
	 * @param model the model they announce for the type; {@code null} when they name none
	 * @param capacity the tasks they hold at most, summed over the pool's agents
	 * @param inFlight the tasks they hold now, summed likewise
	 */
	record Pool(String capability, String model, long capacity, long inFlight) {

		/**
		 * {@code inFlight / capacity}; a pool that announced no capacity counts as full, so any pool with room
		 * is preferred to it.
		 */
		public double loadRatio() {
			return capacity <= 0 ? Double.POSITIVE_INFINITY : (double) inFlight / capacity;
		}

		long freeSlots() {
			return Math.max(0, capacity - inFlight);
		}
	}

	/** The registry answered and no live agent serves the type. */
	record NoLiveAgent() implements CapabilityAnswer {
	}

	/** The registry could not be asked (down, slow, answered with an error); {@code why} says which. */
	record Unknown(String why) implements CapabilityAnswer {
	}
}
