package io.colony.credentials.request;

/** No such request (or not one of the caller's tenant: the two are not told apart). */
public class RequestNotFound extends RuntimeException {

	public RequestNotFound(String requestId) {
		super("no credential request " + requestId);
	}
}
