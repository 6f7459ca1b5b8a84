package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownTaskMessage(String type) implements TaskMessage {
}
