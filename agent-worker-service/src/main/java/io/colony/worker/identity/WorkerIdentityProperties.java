package io.colony.worker.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * @param keyFile where this worker keeps its signing key (PKCS#8 PEM, mode 0600) so that it signs with the same
 * key after a restart; created with a new key when missing, replaced on rotation. Unset: a new key per process,
 * held in memory only.
 */
@ConfigurationProperties("colony.worker.identity")
record WorkerIdentityProperties(Path keyFile) {
}
