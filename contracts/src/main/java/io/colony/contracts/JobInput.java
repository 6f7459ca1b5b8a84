package io.colony.contracts;

/** One item a job fans out over; {@code id} is chosen by the client and unique within the job. */
public record JobInput(String id, String content) {
}
