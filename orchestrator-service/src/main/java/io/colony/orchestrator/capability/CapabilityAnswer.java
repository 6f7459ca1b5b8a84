package io.colony.orchestrator.capability;

/** What the directory knows about the agents serving one agent type. */
public sealed interface CapabilityAnswer {

	/**
	 * A live agent serves the type through {@code capability}.
	 *
	 * @param model the model the agents announce for the type; {@code null} when they name none
	 */
	record Served(String capability, String model) implements CapabilityAnswer {

		public Served(String capability) {
			this(capability, null);
		}
	}

	/** The registry answered and no live agent serves the type. */
	record NoLiveAgent() implements CapabilityAnswer {
	}

	/** The registry could not be asked (down, slow, answered with an error); {@code why} says which. */
	record Unknown(String why) implements CapabilityAnswer {
	}
}
