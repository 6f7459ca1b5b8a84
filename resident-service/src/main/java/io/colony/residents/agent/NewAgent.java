package io.colony.residents.agent;

import io.colony.contracts.ResidentId;

/** A validated agent to create. */
record NewAgent(ResidentId id, ResidentType type, Memory memory) {
}
