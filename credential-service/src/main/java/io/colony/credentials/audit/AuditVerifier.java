package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks the whole audit log: every entry in seq order against the one before it ({@link AuditChain#check}), the
 * head row against the last entry, and every checkpoint's signature against the keys in {@code audit_key} and its
 * hash against the entry it vouches for. Entries and checkpoints are read a page at a time, inside one read-only
 * snapshot, so that appends going on meanwhile neither show up half nor hold verification up.
 *
 * <p>What each alteration looks like: a changed body or column fails at that entry; a deleted entry is missing
 * where the seqs jump; reordered or inserted entries break the prev_hash link where they sit (an inserted entry
 * crafted to link to its predecessor is caught at the entry after it); entries cut off the end fail against the
 * checkpoint that signed one of them (even when the head row was rewound to match); a checkpoint that was forged
 * or altered fails its signature, or names a key never recorded.
 */
@Component
public class AuditVerifier {

	private final AuditStore store;

	private final TransactionTemplate snapshot;

	private final int pageSize;

	AuditVerifier(AuditStore store, PlatformTransactionManager transactions, AuditProperties properties) {
		this.store = store;
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setReadOnly(true);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.pageSize = properties.verifyPageSize();
	}

	public AuditVerification verify() {
		return Objects.requireNonNull(snapshot.execute(status -> verifyInSnapshot()));
	}

	private AuditVerification verifyInSnapshot() {
		Breaches breaches = new Breaches();
		AuditStore.Extent extent = store.extent();
		ChainWalk chain = ChainWalk.from(store, 0, AuditChain.GENESIS, Long.MAX_VALUE, pageSize);
		chain.breach().ifPresent(breaches::add);
		checkHead(extent, breaches);
		AuditCheckpoint lastCheckpoint = checkCheckpoints(extent, breaches);
		return new AuditVerification(breaches.first == null, extent.count(), store.checkpointCount(), lastCheckpoint,
				breaches.first);
	}

	/** The head must name the last entry: appends move both together. */
	private void checkHead(AuditStore.Extent extent, Breaches breaches) {
		AuditStore.Head head = store.head().orElse(null);
		long last = extent.maxSeq();
		if (head == null) {
			breaches.add(new AuditBreach(last + 1, "the audit_head row is missing"));
		}
		else if (head.seq() > last) {
			breaches.add(new AuditBreach(last + 1, "the head says entry " + head.seq() + " but the log ends at entry "
					+ last + ": entries were removed from the end"));
		}
		else if (head.seq() < last) {
			breaches.add(new AuditBreach(head.seq() + 1, "entries after the head (entry " + head.seq()
					+ ") were written around the chain"));
		}
		else {
			String lastHash = last == 0 ? AuditChain.GENESIS : store.entryHash(last).orElse(null);
			if (!head.hash().equals(lastHash)) {
				breaches.add(new AuditBreach(last, "the head's hash is not entry " + last + "'s"));
			}
		}
	}

	/** @return the highest checkpoint whose signature verifies, or {@code null} */
	private AuditCheckpoint checkCheckpoints(AuditStore.Extent extent, Breaches breaches) {
		Map<String, AgentKey> keys = store.keys()
			.stream()
			.collect(Collectors.toMap(AgentKey::keyId, Function.identity()));
		AuditCheckpoint lastSigned = null;
		long after = Long.MIN_VALUE;
		while (true) {
			List<AuditStore.VouchedEntry> page = store.checkpoints(after, pageSize);
			for (AuditStore.VouchedEntry vouched : page) {
				AuditCheckpoint checkpoint = vouched.checkpoint();
				AgentKey key = keys.get(checkpoint.keyId());
				if (key == null) {
					breaches.add(new AuditBreach(checkpoint.seq(), "the checkpoint of entry " + checkpoint.seq()
							+ " names key " + checkpoint.keyId() + ", which never signed checkpoints"));
				}
				else if (!checkpoint.signedBy(key)) {
					breaches.add(new AuditBreach(checkpoint.seq(), "the checkpoint of entry " + checkpoint.seq()
							+ " does not verify with key " + checkpoint.keyId() + ": forged or altered"));
				}
				else {
					lastSigned = checkpoint;
					checkVouched(vouched, extent, breaches);
				}
				after = checkpoint.seq();
			}
			if (page.size() < pageSize) {
				return lastSigned;
			}
		}
	}

	/** A genuine checkpoint's entry must still be there, with the hash it signed. */
	private static void checkVouched(AuditStore.VouchedEntry vouched, AuditStore.Extent extent, Breaches breaches) {
		AuditCheckpoint checkpoint = vouched.checkpoint();
		if (vouched.entryHash() == null && checkpoint.seq() > extent.maxSeq()) {
			breaches.add(new AuditBreach(extent.maxSeq() + 1, "the log ends at entry " + extent.maxSeq()
					+ " but a checkpoint signed at " + checkpoint.signedAt() + " vouches for entry " + checkpoint.seq()
					+ ": entries " + (extent.maxSeq() + 1) + ".." + checkpoint.seq() + " were removed"));
		}
		else if (vouched.entryHash() == null) {
			breaches.add(new AuditBreach(checkpoint.seq(), "entry " + checkpoint.seq()
					+ ", signed by a checkpoint at " + checkpoint.signedAt() + ", is missing"));
		}
		else if (!vouched.entryHash().equals(checkpoint.hash())) {
			breaches.add(new AuditBreach(checkpoint.seq(), "entry " + checkpoint.seq()
					+ " is not the one its checkpoint signed at " + checkpoint.signedAt() + ": the log was rewritten"));
		}
	}

	/** Keeps the breach with the lowest seq (the first found, on a tie): where the log stops being trustworthy. */
	private static final class Breaches {

		private AuditBreach first;

		void add(AuditBreach breach) {
			if (first == null || breach.seq() < first.seq()) {
				first = breach;
			}
		}
	}
}
