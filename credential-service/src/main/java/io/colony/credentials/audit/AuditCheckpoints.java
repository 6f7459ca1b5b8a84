package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Signs the head of the audit log every {@code checkpoint-interval} when entries were added since the last
 * checkpoint, and soon after every {@code checkpoint-every}th entry. A checkpoint lets a verifier notice what the
 * hash chain alone cannot: entries cut off the end of the log, or the whole log rewritten with fresh hashes.
 *
 * <p>It signs only a log that extends the last checkpoint: before signing, it checks that checkpoint's signature,
 * that its entry is still there unchanged, and every entry since. A log altered in the meantime is not signed (an
 * error is logged instead), so a checkpoint never vouches for tampering. Safe with several instances: each signs
 * with its own key, and a seq another instance signed first is left as it is.
 */
@Component
class AuditCheckpoints implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);

	private final AuditStore store;

	private final AuditSigningKey key;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final AuditProperties properties;

	/** One checkpoint at a time in this process, whether timed, requested or called directly. */
	private final ReentrantLock signing = new ReentrantLock();

	private final AtomicBoolean requested = new AtomicBoolean();

	private volatile ScheduledExecutorService scheduler;

	/** Why the last attempt refused to sign, so that a lasting breach is logged once, not every interval. */
	private volatile String lastRefusal;

	AuditCheckpoints(AuditStore store, AuditSigningKey key, PlatformTransactionManager transactions, Clock clock,
			AuditProperties properties) {
		this.store = store;
		this.key = key;
		this.transaction = new TransactionTemplate(transactions);
		this.clock = clock;
		this.properties = properties;
	}

	/**
	 * Signs the head of the log now, unless the last checkpoint already covers it or the log no longer extends that
	 * checkpoint.
	 *
	 * @return the new checkpoint; empty when there was nothing new to sign, the log was refused, or another
	 *     instance signed the same entry first
	 */
	Optional<AuditCheckpoint> checkpoint() {
		signing.lock();
		try {
			return Objects.requireNonNull(transaction.execute(status -> checkpointInTransaction()));
		}
		finally {
			signing.unlock();
		}
	}

	/**
	 * Asks for a checkpoint soon, on the checkpoint thread; requests made while one is pending are one request. Called
	 * after a commit, so it must neither block nor fail.
	 */
	void requestCheckpoint() {
		ScheduledExecutorService running = scheduler;
		if (running != null && requested.compareAndSet(false, true)) {
			try {
				running.execute(() -> {
					requested.set(false);
					checkpointQuietly();
				});
			}
			catch (RuntimeException ex) {
				// stopping: the last interval's checkpoint or the next start covers it
				requested.set(false);
			}
		}
	}

	private Optional<AuditCheckpoint> checkpointInTransaction() {
		// read committed is enough: entries are only appended, so every entry up to the head read here stays visible
		AuditStore.Head head = store.head().orElse(null);
		if (head == null) {
			return refuse("the audit_head row is missing");
		}
		Optional<AuditCheckpoint> last = store.lastCheckpoint();
		long fromSeq = 0;
		String fromHash = AuditChain.GENESIS;
		if (last.isPresent()) {
			AuditCheckpoint checkpoint = last.get();
			if (head.seq() < checkpoint.seq()) {
				return refuse("the head (entry " + head.seq() + ") is behind the last checkpoint (entry "
						+ checkpoint.seq() + "): the log was cut short");
			}
			if (head.seq() == checkpoint.seq()) {
				return Optional.empty();
			}
			Optional<AgentKey> signer = store.keys()
				.stream()
				.filter(candidate -> candidate.keyId().equals(checkpoint.keyId()))
				.findFirst();
			if (signer.isEmpty() || !checkpoint.signedBy(signer.get())) {
				return refuse("the last checkpoint (entry " + checkpoint.seq() + ") does not verify");
			}
			if (!store.entryHash(checkpoint.seq()).map(checkpoint.hash()::equals).orElse(false)) {
				return refuse("entry " + checkpoint.seq() + " is no longer the one its checkpoint signed");
			}
			fromSeq = checkpoint.seq();
			fromHash = checkpoint.hash();
		}
		else if (head.seq() == 0) {
			return Optional.empty();
		}
		ChainWalk walk = ChainWalk.from(store, fromSeq, fromHash, head.seq(), properties.verifyPageSize());
		if (walk.breach().isPresent()) {
			AuditBreach breach = walk.breach().get();
			return refuse("entry " + breach.seq() + ": " + breach.reason());
		}
		if (walk.lastSeq() != head.seq() || !walk.lastHash().equals(head.hash())) {
			return refuse("the head (entry " + head.seq() + ") is not the last entry of the chain (entry "
					+ walk.lastSeq() + ")");
		}
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		store.register(key.publicKey(), now);
		AuditCheckpoint checkpoint = key.sign(head.seq(), head.hash(), now);
		if (!store.insert(checkpoint)) {
			return Optional.empty();
		}
		lastRefusal = null;
		// also in the service's log, outside the database: a second, independent record of what was signed
		log.info("audit checkpoint: entry {} hash {} signed by {}", checkpoint.seq(), checkpoint.hash(),
				checkpoint.keyId());
		return Optional.of(checkpoint);
	}

	private Optional<AuditCheckpoint> refuse(String reason) {
		if (!reason.equals(lastRefusal)) {
			log.error("audit log not signed: {}", reason);
			lastRefusal = reason;
		}
		return Optional.empty();
	}

	private void checkpointQuietly() {
		try {
			checkpoint();
		}
		catch (RuntimeException ex) {
			// the database may be away for a moment; the next interval tries again
			log.warn("audit checkpoint failed: {}", ex.toString());
		}
	}

	@Override
	public void start() {
		try {
			// listed at /keys from the start, not only once it signed something
			transaction.executeWithoutResult(status -> store.register(key.publicKey(), clock.instant()));
		}
		catch (RuntimeException ex) {
			log.warn("could not record the audit signing key yet (recorded with its first checkpoint): {}",
					ex.toString());
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "audit-checkpoints");
			thread.setDaemon(true);
			return thread;
		});
		long interval = properties.checkpointInterval().toMillis();
		executor.scheduleWithFixedDelay(this::checkpointQuietly, interval, interval, TimeUnit.MILLISECONDS);
		scheduler = executor;
	}

	/**
	 * Signs the head one last time, so that a clean shutdown leaves no unsigned tail; waits for it (and a checkpoint
	 * in flight) ten seconds at most, so that a database already gone cannot hold the shutdown up.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService executor = scheduler;
		scheduler = null;
		if (executor == null) {
			return;
		}
		executor.execute(this::checkpointQuietly);
		executor.shutdown();
		try {
			if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
				log.warn("the final audit checkpoint did not finish in time; entries since the last one are unsigned");
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

	/**
	 * Stopped after the web server and the message listeners (lower phases stop later), so that the final
	 * checkpoint comes after the last entry they could append.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}
}
