package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownTaskResult(String type) implements TaskResult {
}
