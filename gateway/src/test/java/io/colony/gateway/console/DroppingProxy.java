package io.colony.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of a local server that can cut every open connection at once, the way a load
 * balancer's idle timeout or a network blip does, while it keeps accepting new ones. Lets a test show that a client
 * reconnects its event stream. Copy it as it is into another module's tests.
 */
public final class DroppingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean running = true;

	private DroppingProxy(ServerSocket server, int targetPort) {
		this.server = server;
		this.targetPort = targetPort;
	}

	public static DroppingProxy to(int targetPort) {
		try {
			ServerSocket server = new ServerSocket();
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			DroppingProxy proxy = new DroppingProxy(server, targetPort);
			Thread.ofVirtual().name("dropping-proxy-accept").start(proxy::accept);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return server.getLocalPort();
	}

	public String url() {
		return "http://127.0.0.1:" + port();
	}

	/** Closes every connection open through the proxy now; later connections go through as usual. */
	public void dropAll() {
		open.forEach(DroppingProxy::closeQuietly);
		open.clear();
	}

	private void accept() {
		while (running) {
			try {
				Socket client = server.accept();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
				open.add(client);
				open.add(upstream);
				Thread.ofVirtual().start(() -> pump(client, upstream));
				Thread.ofVirtual().start(() -> pump(upstream, client));
			}
			catch (IOException ex) {
				if (running) {
					continue;
				}
				return;
			}
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side went away: the other goes too
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			open.remove(from);
			open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		running = false;
		dropAll();
		try {
			server.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}
}
