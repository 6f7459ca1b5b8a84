package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A command type this build does not know; answered with a rejection, never a crash. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownCommand(String type, TenantId tenant) implements ColonyCommand {
}
