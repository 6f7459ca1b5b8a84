package io.colony.benchmarks.client;

/** One Server-Sent Event: its name ({@code message} when the stream gave none), data and optional id. */
public record SseEvent(String name, String data, String id) {
}
