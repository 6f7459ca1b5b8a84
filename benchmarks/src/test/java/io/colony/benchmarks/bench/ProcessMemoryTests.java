package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMemoryTests {

	@Test
	void readsVmRssInBytes(@TempDir Path directory) throws IOException {
		Path status = directory.resolve("status");
		Files.writeString(status, """
				Name:	java
				VmPeak:	 9000000 kB
				VmHWM:	  400000 kB
				VmRSS:	  312345 kB
				Threads:	42
				""");

		assertThat(ProcessMemory.field(status, "VmRSS")).hasValue(312_345L * 1024);
		assertThat(ProcessMemory.field(status, "Threads")).hasValue(42);
		assertThat(ProcessMemory.field(status, "VmSwap")).isEmpty();
		assertThat(ProcessMemory.field(directory.resolve("gone"), "VmRSS")).isEmpty();
	}

	@Test
	void readsThisProcesssOwnResidentMemory() {
		// the benchmark sums this over the mesh's processes; on Linux the test JVM itself has some
		if (Files.exists(Path.of("/proc/self/status"))) {
			assertThat(ProcessMemory.residentBytes(ProcessHandle.current().pid()).orElse(0))
				.isGreaterThan(10L * 1024 * 1024);
		}
		assertThat(ProcessMemory.residentBytes(Long.MAX_VALUE)).isEmpty();
	}
}
