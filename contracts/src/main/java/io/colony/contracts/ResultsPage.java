package io.colony.contracts;

import java.util.List;

/** A page of a job's results, ordered by input id. {@code page} counts from 0. */
public record ResultsPage(JobId jobId, int page, int size, long totalItems, List<TaskResultView> items) {

	public ResultsPage {
		items = items == null ? List.of() : List.copyOf(items);
	}
}
