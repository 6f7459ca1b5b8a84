package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownRegistryEvent(String type) implements RegistryEvent {
}
