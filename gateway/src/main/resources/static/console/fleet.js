// Colony fleet view: queue depths, workers, jobs by status and pending approvals, refreshed every 2 s.
//
// Everything shown comes from the gateway's GET /api/v1/fleet with the operator's bearer token (scope fleet:read);
// each section says on its own whether its source could be read. The token is the console's (same session storage
// key), so one sign-in serves both pages of a tab. Text is only ever set with textContent; bar widths through the
// CSSOM (the page's CSP allows no inline style or script and requires Trusted Types).
(() => {
  'use strict';

  const API = '/api/v1/fleet';
  const REFRESH_MS = 2000;
  const SECTIONS = ['queues', 'workers', 'jobs', 'approvals'];

  const { TOKEN_KEY, $, field, ApiError, claimsOf, setText, showError, clearError, followToken } = window.ColonyConsole;
  const number = new Intl.NumberFormat();

  const state = {
    token: null,
    // bumped whenever the token changes, so that an answer to the previous token's request is dropped
    session: 0,
    timer: null,
    expiryTimer: null,
    lastSuccess: null,
  };

  // ---- token ---------------------------------------------------------------------------------------------------

  function signIn(token) {
    stop();
    state.session += 1;
    state.token = token;
    state.lastSuccess = null;
    sessionStorage.setItem(TOKEN_KEY, token);
    const claims = claimsOf(token);
    $('session-tenant').textContent = claims.tenant || claims.sub || '?';
    const expiry = $('session-expiry');
    if (typeof claims.exp === 'number') {
      expiry.dateTime = new Date(claims.exp * 1000).toISOString();
      expiry.dataset.deadline = expiry.dateTime;
    } else {
      expiry.textContent = '—';
      delete expiry.dataset.deadline;
    }
    tickExpiry();
    state.expiryTimer = setInterval(tickExpiry, 1000);
    $('token-section').hidden = true;
    $('session').hidden = false;
    $('workspace').hidden = false;
    setRefresh('connecting', 'loading');
    refresh();
  }

  /**
   * Ends the session and asks for a token. A token the gateway no longer accepts (401) is forgotten; one that only
   * lacks fleet:read (403) stays stored, since the approvals page of this tab may still use it.
   */
  function signOut(problem, forget) {
    stop();
    state.session += 1;
    state.token = null;
    if (forget) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
    $('session').hidden = true;
    $('workspace').hidden = true;
    $('token-section').hidden = false;
    $('token-input').value = '';
    if (problem) {
      showError(problem);
    }
    $('token-input').focus();
  }

  function stop() {
    clearTimeout(state.timer);
    clearInterval(state.expiryTimer);
    state.timer = null;
    setRefresh('offline', 'offline');
  }

  // ---- refreshing ----------------------------------------------------------------------------------------------

  /** One request at a time: the next is scheduled once this one is answered, so a slow gateway is not piled on. */
  async function refresh() {
    const session = state.session;
    let snapshot;
    try {
      snapshot = await load();
    } catch (error) {
      if (session !== state.session) {
        return;
      }
      if (error.status === 401 || error.status === 403) {
        signOut(error, error.status === 401);
        return;
      }
      showError(error);
      setRefresh('stale', state.lastSuccess
        ? `stale: last updated ${state.lastSuccess.toLocaleTimeString()}` : 'gateway not answering');
      schedule(session);
      return;
    }
    if (session !== state.session) {
      return;
    }
    clearError();
    render(snapshot);
    state.lastSuccess = new Date();
    const status = $('refresh-status');
    status.dataset.updatedAt = state.lastSuccess.toISOString();
    setRefresh('live', `live · updated ${state.lastSuccess.toLocaleTimeString()}`);
    schedule(session);
  }

  function schedule(session) {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      if (session === state.session && state.token) {
        refresh();
      }
    }, REFRESH_MS);
  }

  async function load() {
    let response;
    try {
      response = await fetch(API, {
        headers: { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${state.token}` },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      throw new ApiError(0, { title: 'Gateway unreachable', detail: 'the gateway did not answer; check the connection' });
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (ignored) {
      json = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, json);
    }
    if (!json || typeof json !== 'object') {
      throw new ApiError(response.status, { title: 'Unreadable answer', detail: 'the gateway sent no fleet snapshot' });
    }
    return json;
  }

  function setRefresh(stateName, text) {
    const status = $('refresh-status');
    status.dataset.state = stateName;
    status.textContent = text;
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  function render(snapshot) {
    setTime($('observed-at'), snapshot.observedAt);
    for (const name of SECTIONS) {
      renderAvailability(name, snapshot[name]);
    }
    renderQueues(snapshot.queues || {});
    renderWorkers(snapshot.workers || {});
    renderJobs(snapshot.jobs || {});
    renderApprovals(snapshot.approvals || {});
    renderSummary(snapshot);
  }

  /** Every section: its state in data-status, a badge, and why when it is not available. */
  function renderAvailability(name, section) {
    const status = (section && section.status) || 'unavailable';
    const reason = section && section.reason ? section.reason
      : (!section ? 'the gateway sent nothing for this section' : '');
    $(`section-${name}`).dataset.status = status;
    const badge = $(`${name}-status`);
    badge.textContent = status;
    badge.dataset.state = status;
    const reasonLine = $(`${name}-reason`);
    reasonLine.textContent = reason;
    reasonLine.hidden = !reason;
  }

  function renderQueues(section) {
    const queues = available(section) && Array.isArray(section.queues) ? section.queues : [];
    $('queues-vhost').textContent = section.vhost || '—';
    const deepest = Math.max(1, ...queues.map((queue) => count(queue.ready) + count(queue.unacked)));
    const rows = queues.map((queue) => {
      const row = fromTemplate('queue-template');
      const ready = count(queue.ready);
      const unacked = count(queue.unacked);
      row.dataset.queue = String(queue.name);
      row.dataset.kind = String(queue.kind || '');
      row.dataset.deadLetter = String(Boolean(queue.deadLetter));
      const alarm = Boolean(queue.deadLetter) && ready + unacked > 0;
      row.dataset.alarm = String(alarm);
      row.classList.toggle('dlq', Boolean(queue.deadLetter));
      row.classList.toggle('alarm', alarm);
      setText(row, 'name', queue.name);
      setText(row, 'ready', number.format(ready));
      setText(row, 'unacked', number.format(unacked));
      setText(row, 'consumers', number.format(count(queue.consumers)));
      const bar = field(row, 'bar');
      setWidth(bar.querySelector('.bar-ready'), ready, deepest);
      setWidth(bar.querySelector('.bar-unacked'), unacked, deepest);
      bar.title = `${number.format(ready)} ready, ${number.format(unacked)} unacknowledged`;
      return row;
    });
    $('queue-list').replaceChildren(...rows);
  }

  function renderWorkers(section) {
    const workers = available(section) && Array.isArray(section.workers) ? section.workers : [];
    $('worker-count').textContent = available(section) ? String(workers.length) : '—';
    const now = Date.now();
    const rows = workers.map((worker) => {
      const row = fromTemplate('worker-template');
      row.dataset.agentId = String(worker.agentId);
      setText(row, 'agentId', worker.agentId);
      setText(row, 'instance', worker.instance || '');
      setText(row, 'agentTypes', (worker.agentTypes || []).join(', '));
      setText(row, 'inFlight', number.format(count(worker.inFlight)));
      setText(row, 'capacity', number.format(count(worker.capacity)));
      setWidth(field(row, 'bar').querySelector('.bar-ready'), count(worker.inFlight), Math.max(1, count(worker.capacity)));
      const lastSeen = field(row, 'lastSeen');
      lastSeen.textContent = worker.lastSeen ? `${ago(now - Date.parse(worker.lastSeen))} ago` : '—';
      lastSeen.title = worker.lastSeen || '';
      return row;
    });
    $('worker-list').replaceChildren(...rows);
  }

  function renderJobs(section) {
    const items = [];
    if (available(section) && section.byStatus && typeof section.byStatus === 'object') {
      for (const [status, value] of Object.entries(section.byStatus)) {
        const item = fromTemplate('job-status-template');
        item.dataset.status = status;
        item.dataset.count = String(count(value));
        setText(item, 'status', status);
        setText(item, 'count', number.format(count(value)));
        items.push(item);
      }
    }
    $('job-counts').replaceChildren(...items);
    const stalled = available(section) && typeof section.stalled === 'number';
    $('jobs-stalled-line').hidden = !stalled;
    $('jobs-stalled').textContent = stalled ? number.format(section.stalled) : '';
    $('jobs-stalled-line').classList.toggle('alarm', stalled && section.stalled > 0);
  }

  function renderApprovals(section) {
    const shown = available(section) && typeof section.pending === 'number';
    $('approvals-count').textContent = shown ? `${section.pending}${section.more ? '+' : ''}` : '—';
    const now = Date.now();
    const items = (shown && Array.isArray(section.oldest) ? section.oldest : []).map((request) => {
      const item = fromTemplate('approval-template');
      item.dataset.requestId = String(request.requestId || '');
      setText(item, 'scope', (request.scope || []).join(' '));
      setText(item, 'resource', request.resource || '?');
      setText(item, 'agentId', request.agentId || 'an agent');
      const waiting = field(item, 'waiting');
      waiting.textContent = request.requestedAt ? ago(now - Date.parse(request.requestedAt)) : '?';
      waiting.title = request.requestedAt || '';
      return item;
    });
    $('approval-list').replaceChildren(...items);
  }

  /** The tiles: totals of the sections above, or a dash when their source could not be read. */
  function renderSummary(snapshot) {
    const queues = snapshot.queues || {};
    const workers = snapshot.workers || {};
    const approvals = snapshot.approvals || {};
    const work = available(queues) && Array.isArray(queues.queues)
      ? queues.queues.filter((queue) => !queue.deadLetter) : null;
    $('summary-ready').textContent = work ? number.format(sum(work, 'ready')) : '—';
    $('summary-unacked').textContent = work ? number.format(sum(work, 'unacked')) : '—';
    const deadLetters = available(queues) ? count(queues.deadLetters) : null;
    $('summary-dead-letters').textContent = deadLetters === null ? '—' : number.format(deadLetters);
    $('summary-dead-letters-tile').classList.toggle('alarm', Boolean(deadLetters));
    $('summary-workers').textContent = available(workers) && Array.isArray(workers.workers)
      ? String(workers.workers.length) : '—';
    $('summary-in-flight').textContent = available(workers)
      ? `${number.format(count(workers.inFlight))} / ${number.format(count(workers.capacity))}` : '—';
    $('summary-approvals').textContent = available(approvals) && typeof approvals.pending === 'number'
      ? `${approvals.pending}${approvals.more ? '+' : ''}` : '—';
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  function available(section) {
    return Boolean(section) && section.status === 'available';
  }

  function count(value) {
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  }

  function sum(items, name) {
    return items.reduce((total, item) => total + count(item[name]), 0);
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  /** A bar's share of {@code max}; anything above zero stays visible. */
  function setWidth(element, value, max) {
    const share = max > 0 ? Math.min(100, (100 * value) / max) : 0;
    element.style.width = `${value > 0 ? Math.max(share, 0.75) : 0}%`;
  }

  function setTime(element, iso) {
    const date = iso ? new Date(iso) : null;
    if (!date || Number.isNaN(date.getTime())) {
      element.textContent = '—';
      return;
    }
    element.dateTime = iso;
    element.textContent = date.toLocaleTimeString();
  }

  function ago(millis) {
    const seconds = Math.max(0, Math.floor(millis / 1000));
    if (seconds < 60) {
      return `${seconds} s`;
    }
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return `${minutes} min`;
    }
    const hours = Math.floor(minutes / 60);
    if (hours < 48) {
      return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
    }
    return `${Math.floor(hours / 24)} d`;
  }

  function tickExpiry() {
    const element = $('session-expiry');
    if (!element.dataset.deadline) {
      return;
    }
    const left = Date.parse(element.dataset.deadline) - Date.now();
    element.textContent = left > 0 ? ago(left) : 'expired';
  }

  // ---- start ---------------------------------------------------------------------------------------------------

  function start() {
    $('sign-out').addEventListener('click', () => signOut(null, true));
    $('error-dismiss').addEventListener('click', clearError);

    followToken(signIn, () => signOut(null, false));
  }

  start();
})();
