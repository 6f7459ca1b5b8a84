package io.colony.contracts;

/** An agent type as a worker announces it: its name, the capability queue it serves, its model. */
public record AgentTypeDescriptor(String name, String capability, String model) {
}
