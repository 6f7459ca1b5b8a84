package io.colony.benchmarks.mesh;

import io.colony.benchmarks.cli.CommandFailed;

/** The mesh could not be brought up; the message names the service and, when it died, its last log lines. */
public final class MeshStartFailed extends CommandFailed {

	public MeshStartFailed(String message) {
		super(message);
	}
}
