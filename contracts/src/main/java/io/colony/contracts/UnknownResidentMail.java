package io.colony.contracts;

/** A mailbox message of a type this consumer does not know (a newer producer); dead-lettered, never a crash. */
public record UnknownResidentMail(String type) implements ResidentMail {
}
