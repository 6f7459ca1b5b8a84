package io.colony.contracts;

/**
 * The command was refused; nothing was stored or published for it. The fields map one to one onto an
 * RFC 9457 problem document at the web edge.
 *
 * @param problem short slug of the problem type, e.g. {@code idempotency-key-reuse}
 * @param status the HTTP status the edge should answer with (always 4xx)
 */
public record CommandRejected(String problem, int status, String title, String detail) implements CommandReply {
}
