package io.colony.worker;

import io.colony.contracts.AgentId;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who this process is: the agent id it signs results with and announces to the registry, where it runs,
 * and which build it is.
 */
@Component
public final class WorkerIdentity {

	private final AgentId agentId;

	private final String instance;

	private final String version;

	public WorkerIdentity(WorkerProperties properties) {
		String host = hostName();
		long pid = ProcessHandle.current().pid();
		this.instance = host + ":" + pid;
		this.agentId = AgentId.of(properties.agentId() != null ? properties.agentId() : "worker-" + host + "-" + pid);
		String implementationVersion = AgentWorkerApplication.class.getPackage().getImplementationVersion();
		this.version = implementationVersion == null ? "dev" : implementationVersion;
	}

	public AgentId agentId() {
		return agentId;
	}

	/** {@code host:pid}. */
	public String instance() {
		return instance;
	}

	/** From the jar manifest; {@code dev} when not running from a packaged jar. */
	public String version() {
		return version;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}
}
