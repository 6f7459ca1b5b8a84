package io.colony.benchmarks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Resident memory of processes as Linux reports it ({@code /proc/<pid>/status}). */
final class ProcessMemory {

	private ProcessMemory() {
	}

	/** {@code VmRSS} of process {@code pid} in bytes; empty when it is gone or this is not Linux. */
	static OptionalLong residentBytes(long pid) {
		return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS");
	}

	/**
	 * A {@code <name>:   123456 kB} line of a {@code status} file, in bytes (the kernel's "kB" are KiB).
	 */
	static OptionalLong field(Path statusFile, String name) {
		List<String> lines;
		try {
			lines = Files.readAllLines(statusFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return OptionalLong.empty();
		}
		for (String line : lines) {
			if (line.startsWith(name + ":")) {
				String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
				try {
					long value = Long.parseLong(parts[0]);
					boolean kib = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
					return OptionalLong.of(kib ? value * 1024 : value);
				}
				catch (NumberFormatException ex) {
					return OptionalLong.empty();
				}
			}
		}
		return OptionalLong.empty();
	}
}
