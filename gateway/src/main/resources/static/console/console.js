// Colony operator console: pending credential requests (live), active leases, the audit trail.
//
// Everything shown comes from the gateway's /api/v1/credentials API with the operator's bearer token; the page
// itself holds no data. Text is only ever set with textContent (the page's CSP requires Trusted Types, so an HTML
// string written into the page would be refused by the browser anyway).
(() => {
  'use strict';

  const API = '/api/v1/credentials';
  const AUDIT_PAGE = 100;
  const AUDIT_KEEP = 50;
  const AUDIT_MAX_PAGES = 50;
  // the gateway sends a heartbeat comment every 15 s by default: this much silence means a dead connection
  const STREAM_SILENCE_MS = 60000;
  const RETRY_MAX_MS = 30000;

  const { TOKEN_KEY, $, field, ApiError, claimsOf, setText, showError, clearError, followToken } = window.ColonyConsole;

  const state = {
    token: null,
    // bumped whenever the token changes, so that answers to the previous token's calls are dropped
    session: 0,
    stream: null,
    retryMs: 1000,
    retryTimer: null,
    silenceTimer: null,
    pending: new Map(),
    leases: new Map(),
    auditAfter: 0,
    auditEntries: [],
    auditLoading: null,
    auditAgain: false,
  };

  // ---- token ---------------------------------------------------------------------------------------------------

  /** Starts a session with {@code token}; whatever another token showed before is cleared first. */
  function signIn(token) {
    disconnect();
    clearData();
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    const claims = claimsOf(token);
    $('session-tenant').textContent = claims.tenant || claims.sub || '?';
    $('session-subject').textContent = claims.sub || '';
    setDeadline($('session-expiry'), typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null);
    $('token-section').hidden = true;
    $('session').hidden = false;
    $('workspace').hidden = false;
    connect();
  }

  function signOut(problem) {
    disconnect();
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    clearData();
    $('session').hidden = true;
    $('workspace').hidden = true;
    $('token-section').hidden = false;
    $('token-input').value = '';
    if (problem) {
      showError(problem);
    }
    $('token-input').focus();
  }

  function clearData() {
    state.session += 1;
    state.pending.clear();
    state.leases.clear();
    state.auditAfter = 0;
    state.auditEntries = [];
    $('pending-list').replaceChildren();
    $('lease-list').replaceChildren();
    $('audit-entries').replaceChildren();
    const status = $('audit-status');
    status.dataset.state = 'unknown';
    status.textContent = 'Not verified yet.';
    delete status.dataset.verifiedAt;
    updateCounts();
  }

  // ---- API -----------------------------------------------------------------------------------------------------

  /** An answer that arrived for an earlier session (another token): dropped, never shown. */
  class StaleAnswer extends Error {}

  async function api(path, body) {
    const session = state.session;
    const headers = { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${state.token}` };
    const init = { method: body === undefined ? 'GET' : 'POST', headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, { title: 'Gateway unreachable', detail: 'the gateway did not answer; check the connection' });
    }
    const text = await response.text();
    if (session !== state.session) {
      throw new StaleAnswer(path);
    }
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (ignored) {
      json = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, json);
    }
    return json;
  }

  /** 401 (token invalid or expired) and 403 (no credentials:approve) end the session: no other token is at hand. */
  function failed(error) {
    if (error instanceof StaleAnswer) {
      return;
    }
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      signOut(error);
      return;
    }
    showError(error);
  }

  // ---- event stream --------------------------------------------------------------------------------------------

  /**
   * Opens the event stream, then loads the current state (so nothing published in between is missed: the events
   * are idempotent updates of the same maps), then follows the stream until it ends, and reconnects with backoff.
   * fetch() rather than EventSource, because EventSource cannot send an Authorization header.
   */
  async function connect() {
    disconnect();
    const controller = new AbortController();
    state.stream = controller;
    setConnection('connecting', 'connecting');
    try {
      const response = await fetch(`${API}/events`, {
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${state.token}` },
        cache: 'no-store',
        credentials: 'omit',
        signal: controller.signal,
      });
      if (state.stream !== controller) {
        return; // replaced or signed out meanwhile
      }
      if (!response.ok) {
        let problem = null;
        try {
          problem = await response.json();
        } catch (ignored) {
          problem = null;
        }
        const error = new ApiError(response.status, problem);
        if (response.status === 401 || response.status === 403) {
          signOut(error);
          return;
        }
        showError(error);
      } else {
        setConnection('live', 'live');
        state.retryMs = 1000;
        watchSilence(controller);
        loadAll();
        await readEvents(response.body, controller, handleEvent);
      }
    } catch (error) {
      if (controller.signal.aborted && state.stream !== controller) {
        return; // replaced or signed out
      }
    }
    if (state.stream === controller && state.token) {
      scheduleReconnect();
    }
  }

  function disconnect() {
    clearTimeout(state.retryTimer);
    clearTimeout(state.silenceTimer);
    if (state.stream) {
      const stream = state.stream;
      state.stream = null;
      stream.abort();
    }
    setConnection('offline', 'offline');
  }

  function scheduleReconnect() {
    clearTimeout(state.silenceTimer);
    const delay = state.retryMs;
    state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
    setConnection('reconnecting', `reconnecting in ${Math.round(delay / 1000)} s`);
    state.retryTimer = setTimeout(() => {
      if (state.token) {
        connect();
      }
    }, delay);
  }

  function watchSilence(controller) {
    clearTimeout(state.silenceTimer);
    state.silenceTimer = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
  }

  /** A Server-Sent Events parser over a fetch body (text/event-stream as the HTML standard defines it). */
  async function readEvents(body, controller, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let name = '';
    let data = [];
    let id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      watchSilence(controller);
      buffer += value;
      for (;;) {
        const end = /\r\n|\r|\n/.exec(buffer);
        // a lone \r at the end of what arrived may be the first half of \r\n: wait for the rest
        if (!end || (end[0] === '\r' && end.index === buffer.length - 1)) {
          break;
        }
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        if (line === '') {
          if (data.length > 0) {
            onEvent(name || 'message', data.join('\n'), id);
          }
          name = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const key = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? '' : line.slice(colon + 1);
          if (val.startsWith(' ')) {
            val = val.slice(1);
          }
          if (key === 'event') {
            name = val;
          } else if (key === 'data') {
            data.push(val);
          } else if (key === 'id') {
            id = val;
          }
        }
      }
    }
  }

  function handleEvent(name, data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch (ignored) {
      return;
    }
    switch (name) {
      case 'credential.approval.requested':
        showPending(event);
        refreshAudit();
        break;
      case 'credential.decided':
        removePending(event.requestId);
        if (event.status === 'GRANTED') {
          loadLeases().catch(failed);
        }
        refreshAudit();
        break;
      case 'credential.revoked':
        removeLease(event.leaseId);
        refreshAudit();
        break;
      default:
        break; // a newer event this page does not know
    }
  }

  function setConnection(stateName, text) {
    const status = $('connection-status');
    status.dataset.state = stateName;
    status.textContent = text;
  }

  // ---- loading -------------------------------------------------------------------------------------------------

  function loadAll() {
    Promise.all([loadPending(), loadLeases(), refreshAudit(), verifyAudit()]).catch(failed);
  }

  async function loadPending() {
    const answer = await api(`${API}/requests?status=PENDING&limit=500`);
    const requests = (answer && answer.requests) || [];
    const ids = new Set(requests.map((request) => request.requestId));
    for (const id of [...state.pending.keys()]) {
      if (!ids.has(id)) {
        removePending(id);
      }
    }
    // the API answers newest first; shown oldest first, like live arrivals
    requests.slice().reverse().forEach(showPending);
  }

  async function loadLeases() {
    const answer = await api(`${API}/leases?status=ACTIVE`);
    const leases = (answer && answer.leases) || [];
    const ids = new Set(leases.map((lease) => lease.leaseId));
    for (const id of [...state.leases.keys()]) {
      if (!ids.has(id)) {
        removeLease(id);
      }
    }
    leases.forEach(showLease);
  }

  // ---- pending requests ----------------------------------------------------------------------------------------

  /** Adds the request's card, or leaves an existing one as it is (an operator may be halfway through it). */
  function showPending(request) {
    if (!request || !request.requestId || state.pending.has(request.requestId)
        || (request.status && request.status !== 'PENDING')) {
      return;
    }
    const card = document.getElementById('pending-template').content.firstElementChild.cloneNode(true);
    card.dataset.requestId = request.requestId;
    setText(card, 'resource', request.resource);
    setText(card, 'agentId', request.agentId);
    setText(card, 'tenant', request.tenant);
    setText(card, 'jobId', request.jobId);
    setText(card, 'taskId', request.taskId);
    setText(card, 'requestedAt', formatTime(request.requestedAt));
    setText(card, 'justification', request.justification || '(none given)');
    setDeadline(field(card, 'timesOutAt'), request.timesOutAt);

    const scopes = field(card, 'scopes');
    for (const scope of request.scope || []) {
      const option = document.getElementById('scope-template').content.firstElementChild.cloneNode(true);
      const box = option.querySelector('input');
      box.value = scope;
      box.dataset.scope = scope;
      option.querySelector('code').textContent = scope;
      scopes.append(option);
    }

    const askedSeconds = durationSeconds(request.ttl);
    const ttl = $('ttl', card);
    if (askedSeconds) {
      ttl.max = String(askedSeconds);
      ttl.value = String(askedSeconds);
      setText(card, 'askedTtl', `${formatSeconds(askedSeconds)} (${askedSeconds} s)`);
    } else {
      setText(card, 'askedTtl', 'the policy maximum');
    }

    const label = `${request.resource || 'a resource'} for ${request.agentId || 'an agent'}`;
    $('approve', card).setAttribute('aria-label', `Approve ${label}`);
    $('deny', card).setAttribute('aria-label', `Deny ${label}`);
    $('approve', card).addEventListener('click', () => approve(request, card, askedSeconds));
    $('deny', card).addEventListener('click', () => deny(request, card));

    state.pending.set(request.requestId, card);
    $('pending-list').append(card);
    updateCounts();
  }

  function removePending(requestId) {
    const card = state.pending.get(requestId);
    if (card) {
      card.remove();
      state.pending.delete(requestId);
      updateCounts();
    }
  }

  async function approve(request, card, askedSeconds) {
    const scope = [...card.querySelectorAll('[data-testid="scope-option"]')].filter((box) => box.checked)
      .map((box) => box.value);
    if (scope.length === 0) {
      cardError(card, 'Choose at least one scope to grant, or deny the request.');
      return;
    }
    const body = { scope };
    const seconds = Number($('ttl', card).value);
    if (!Number.isInteger(seconds) || seconds < 1 || (askedSeconds && seconds > askedSeconds)) {
      cardError(card, `The lifetime must be a whole number of seconds from 1 to ${askedSeconds || 'the asked one'}.`);
      $('ttl', card).focus();
      return;
    }
    body.ttl = `PT${seconds}S`;
    const note = $('approve-note', card).value.trim();
    if (note) {
      body.note = note;
    }
    await decide(request, card, 'approve', body);
  }

  async function deny(request, card) {
    const reason = $('deny-reason', card).value.trim();
    if (!reason) {
      cardError(card, 'Say why the request is denied: the agent and the audit trail get the reason.');
      $('deny-reason', card).focus();
      return;
    }
    await decide(request, card, 'deny', { reason });
  }

  async function decide(request, card, action, body) {
    cardError(card, null);
    setBusy(card, true);
    try {
      const view = await api(`${API}/requests/${encodeURIComponent(request.requestId)}/${action}`, body);
      clearError();
      removePending(request.requestId);
      if (view && view.status === 'GRANTED') {
        await loadLeases();
      }
      refreshAudit();
    } catch (error) {
      if (error instanceof StaleAnswer) {
        return;
      }
      setBusy(card, false);
      failed(error);
      if (error instanceof ApiError && error.status === 409) {
        // decided meanwhile (by someone else, or its timeout): the list no longer holds it
        loadPending().catch(failed);
      } else if (error instanceof ApiError) {
        cardError(card, error.message);
      }
    }
  }

  // ---- leases --------------------------------------------------------------------------------------------------

  function showLease(lease) {
    if (!lease || !lease.leaseId || (lease.status && lease.status !== 'ACTIVE')) {
      return;
    }
    let card = state.leases.get(lease.leaseId);
    if (!card) {
      card = document.getElementById('lease-template').content.firstElementChild.cloneNode(true);
      card.dataset.leaseId = lease.leaseId;
      $('revoke', card).setAttribute('aria-label', `Revoke the lease on ${lease.resource || 'a resource'} of ${lease.agentId || 'an agent'}`);
      $('revoke', card).addEventListener('click', () => revoke(lease.leaseId, card));
      state.leases.set(lease.leaseId, card);
      $('lease-list').append(card);
    }
    setText(card, 'resource', lease.resource);
    setText(card, 'agentId', lease.agentId);
    setText(card, 'scope', (lease.scope || []).join(' '));
    setText(card, 'issuedAt', formatTime(lease.issuedAt));
    setText(card, 'maxExpiresAt', formatTime(lease.maxExpiresAt));
    setText(card, 'requestId', lease.requestId);
    setDeadline(field(card, 'expiresAt'), lease.expiresAt);
    updateCounts();
  }

  function removeLease(leaseId) {
    const card = state.leases.get(leaseId);
    if (card) {
      card.remove();
      state.leases.delete(leaseId);
      updateCounts();
    }
  }

  async function revoke(leaseId, card) {
    const reason = $('revoke-reason', card).value.trim();
    if (!reason) {
      cardError(card, 'Say why the lease is revoked: the audit trail keeps the reason.');
      $('revoke-reason', card).focus();
      return;
    }
    cardError(card, null);
    setBusy(card, true);
    try {
      await api(`${API}/leases/${encodeURIComponent(leaseId)}/revoke`, { reason });
      clearError();
      removeLease(leaseId);
      refreshAudit();
    } catch (error) {
      if (error instanceof StaleAnswer) {
        return;
      }
      setBusy(card, false);
      failed(error);
      if (error instanceof ApiError) {
        cardError(card, error.message);
      }
      if (error instanceof ApiError && error.status === 409) {
        loadLeases().catch(failed);
      }
    }
  }

  // ---- audit ---------------------------------------------------------------------------------------------------

  /**
   * Reads the entries after the last one seen, keeping the latest few. One read at a time: a refresh asked for
   * while one runs makes one more run after it, so an entry written meanwhile is not missed.
   */
  function refreshAudit() {
    if (state.auditLoading) {
      state.auditAgain = true;
      return state.auditLoading;
    }
    state.auditAgain = false;
    state.auditLoading = loadAudit().catch(failed).finally(() => {
      state.auditLoading = null;
      if (state.auditAgain && state.token) {
        refreshAudit();
      }
    });
    return state.auditLoading;
  }

  async function loadAudit() {
    for (let page = 0; page < AUDIT_MAX_PAGES; page++) {
      const answer = await api(`${API}/audit?after=${state.auditAfter}&limit=${AUDIT_PAGE}`);
      const entries = (answer && answer.entries) || [];
      for (const entry of entries) {
        if (typeof entry.seq === 'number' && entry.seq > state.auditAfter) {
          state.auditAfter = entry.seq;
          state.auditEntries.push(entry);
        }
      }
      state.auditEntries = state.auditEntries.slice(-AUDIT_KEEP);
      if (entries.length < AUDIT_PAGE) {
        break;
      }
    }
    renderAudit();
  }

  function renderAudit() {
    const rows = state.auditEntries.slice().reverse().map((entry) => {
      const row = document.getElementById('audit-row-template').content.firstElementChild.cloneNode(true);
      row.dataset.seq = String(entry.seq);
      setText(row, 'seq', String(entry.seq));
      setText(row, 'recordedAt', formatTime(entry.recordedAt));
      setText(row, 'kind', entry.kind);
      setText(row, 'actor', entry.actor);
      setId(field(row, 'requestId'), entry.requestId);
      setId(field(row, 'leaseId'), entry.leaseId);
      setText(row, 'details', entry.details && Object.keys(entry.details).length ? JSON.stringify(entry.details) : '');
      return row;
    });
    $('audit-entries').replaceChildren(...rows);
  }

  async function verifyAudit() {
    const status = $('audit-status');
    const button = $('audit-verify');
    status.dataset.state = 'checking';
    status.textContent = 'Verifying the chain…';
    button.disabled = true;
    try {
      const result = await api(`${API}/audit/verify`);
      if (result && result.valid) {
        status.dataset.state = 'valid';
        const checkpoint = result.lastCheckpoint
          ? `; last signed checkpoint #${result.lastCheckpoint.seq} (${formatTime(result.lastCheckpoint.signedAt)}, key ${result.lastCheckpoint.keyId})`
          : '; no signed checkpoint yet';
        status.textContent = `Chain intact: ${plural(result.entries, 'entry', 'entries')}, `
          + `${plural(result.checkpoints, 'checkpoint', 'checkpoints')}${checkpoint}.`;
        delete status.dataset.firstBad;
      } else {
        status.dataset.state = 'invalid';
        const bad = (result && result.firstBad) || {};
        status.dataset.firstBad = bad.seq === undefined ? '' : String(bad.seq);
        status.textContent = `Chain broken at entry #${bad.seq === undefined ? '?' : bad.seq}: ${bad.reason || 'no reason given'}.`;
      }
      status.dataset.verifiedAt = new Date().toISOString();
    } catch (error) {
      if (error instanceof StaleAnswer) {
        return;
      }
      status.dataset.state = 'unknown';
      status.textContent = 'Could not verify the chain.';
      failed(error);
    } finally {
      button.disabled = false;
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** Ids are long: the first block, the whole id in the tooltip. */
  function setId(element, id) {
    element.textContent = id ? String(id).slice(0, 8) : '';
    if (id) {
      element.title = String(id);
    }
  }

  function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
  }

  function cardError(card, message) {
    const element = $('card-error', card);
    element.textContent = message || '';
    element.hidden = !message;
  }

  function setBusy(card, busy) {
    card.querySelectorAll('button').forEach((button) => {
      button.disabled = busy;
    });
    card.setAttribute('aria-busy', String(busy));
  }

  function updateCounts() {
    $('pending-count').textContent = String(state.pending.size);
    $('pending-empty').hidden = state.pending.size > 0;
    $('lease-count').textContent = String(state.leases.size);
    $('leases-empty').hidden = state.leases.size > 0;
  }

  function formatTime(iso) {
    if (!iso) {
      return '';
    }
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
  }

  /** Seconds of an ISO-8601 duration such as PT15M or PT1H30M (Java's Duration), or of a number of seconds. */
  function durationSeconds(value) {
    if (typeof value === 'number') {
      return Math.floor(value);
    }
    const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?)?$/.exec(value || '');
    if (!match || /^PT?$/.test(value) || /T$/.test(value)) {
      return null;
    }
    const [, d, h, m, s] = match.map((part) => Number(part || 0));
    return ((d * 24 + h) * 60 + m) * 60 + s;
  }

  function formatSeconds(total) {
    const seconds = Math.max(0, Math.floor(total));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) {
      return m > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${h} h`;
    }
    if (m > 0) {
      return s > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${m} min`;
    }
    return `${s} s`;
  }

  function setDeadline(element, iso) {
    if (!iso) {
      element.textContent = '—';
      delete element.dataset.deadline;
      return;
    }
    element.dateTime = iso;
    element.dataset.deadline = iso;
    element.title = formatTime(iso);
    tick(element, Date.now());
  }

  function tick(element, now) {
    const left = (Date.parse(element.dataset.deadline) - now) / 1000;
    element.dataset.secondsLeft = String(Math.max(0, Math.floor(left)));
    element.textContent = left > 0 ? formatSeconds(left) : 'expired';
    const card = element.closest('.card');
    if (card) {
      card.classList.toggle('expired', left <= 0);
    }
  }

  function tickAll() {
    const now = Date.now();
    document.querySelectorAll('[data-deadline]').forEach((element) => tick(element, now));
  }

  // ---- start ---------------------------------------------------------------------------------------------------

  function start() {
    $('mint-command').textContent = 'curl -s -u colony-cli:colony-local-secret -d grant_type=client_credentials '
      + `-d tenant=demo -d scope=credentials:approve ${location.origin}/oauth2/token`;
    $('sign-out').addEventListener('click', () => signOut(null));
    $('error-dismiss').addEventListener('click', clearError);
    $('audit-verify').addEventListener('click', () => {
      verifyAudit();
      refreshAudit();
    });
    setInterval(tickAll, 1000);

    followToken(signIn, () => signOut(null));
  }

  start();
})();
