package io.colony.credentials.audit;

import java.util.List;
import java.util.Optional;

/**
 * Follows the chain from a trusted point (the genesis, or a verified checkpoint) in seq order, a page at a time, and
 * stops at the first entry that does not belong; never holds more than one page.
 *
 * @param entries how many entries checked out
 * @param lastSeq the seq of the last entry that checked out (the starting point when none did)
 * @param lastHash that entry's hash
 * @param breach the first entry that did not check out, if any
 */
record ChainWalk(long entries, long lastSeq, String lastHash, Optional<AuditBreach> breach) {

	/** Walks the entries after {@code afterSeq} (whose hash is {@code hash}) up to {@code toSeq} inclusive. */
	static ChainWalk from(AuditStore store, long afterSeq, String hash, long toSeq, int pageSize) {
		long count = 0;
		long lastSeq = afterSeq;
		String lastHash = hash;
		while (true) {
			List<StoredEntry> page = store.entries(lastSeq, toSeq, pageSize);
			for (StoredEntry entry : page) {
				Optional<AuditBreach> breach = AuditChain.check(entry, lastSeq + 1, lastHash);
				if (breach.isPresent()) {
					return new ChainWalk(count, lastSeq, lastHash, breach);
				}
				count++;
				lastSeq = entry.seq();
				lastHash = entry.hash();
			}
			if (page.size() < pageSize) {
				return new ChainWalk(count, lastSeq, lastHash, Optional.empty());
			}
		}
	}
}
