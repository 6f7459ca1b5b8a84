package io.colony.orchestrator.capability;

/** What the directory knows about the agents serving one agent type. */
public sealed interface CapabilityAnswer {

	/** A live agent serves the type through {@code capability}. */
	record Served(String capability) implements CapabilityAnswer {
	}

	/** The registry answered and no live agent serves the type. */
	record NoLiveAgent() implements CapabilityAnswer {
	}

	/** The registry could not be asked (down, slow, answered with an error); {@code why} says which. */
	record Unknown(String why) implements CapabilityAnswer {
	}
}
