package io.colony.credentials.approval;

import java.util.List;

/** An approver tried to grant a scope the agent did not ask for: approvals only narrow a request. */
public class ScopeNotRequested extends RuntimeException {

	ScopeNotRequested(String token, List<String> requested) {
		super("scope " + token + " was not requested; an approval may grant only some of " + requested);
	}
}
