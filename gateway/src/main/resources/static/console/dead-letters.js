// Colony dead letters: what the mesh gave up on, why, for which job, after how many deliveries; replay one, replay
// all (optionally of one queue or job), or discard one with a reason.
//
// Everything comes from the gateway's /api/v1/dead-letters with the operator's bearer token (scope
// deadletters:manage); the gateway scopes it to the token's tenant. The token is the console's (same session storage
// key), so one sign-in serves every page of a tab. Text is only ever set with textContent (the page's CSP allows no
// inline script or style and requires Trusted Types). The list is loaded on sign-in, on Refresh and after every
// action, not on a timer: a reason being typed is never wiped by a re-render.
(() => {
  'use strict';

  const API = '/api/v1/dead-letters';
  const LIMIT = 200;

  const { TOKEN_KEY, $, field, ApiError, claimsOf, setText, showError, clearError, followToken } = window.ColonyConsole;
  const number = new Intl.NumberFormat();

  const state = {
    token: null,
    // bumped whenever the token changes, so that an answer to the previous token's request is dropped
    session: 0,
    expiryTimer: null,
    items: [],
    selected: null,
  };

  // ---- token ---------------------------------------------------------------------------------------------------

  function signIn(token) {
    stop();
    state.session += 1;
    state.token = token;
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
    closeDetail();
    reload();
  }

  /**
   * Ends the session and asks for a token. A token the gateway no longer accepts (401) is forgotten; one that only
   * lacks deadletters:manage (403) stays stored, since the other pages of this tab may still use it.
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
    clearInterval(state.expiryTimer);
    setStatus('offline', 'offline');
  }

  // ---- API -----------------------------------------------------------------------------------------------------

  /** One call; an error answer becomes an ApiError with its problem document. 401/403 end the session. */
  async function call(method, path, body) {
    const session = state.session;
    const headers = { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${state.token}` };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
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
    if (session !== state.session) {
      const stale = new ApiError(0, { title: 'Signed out', detail: 'the token changed meanwhile' });
      stale.handled = true;
      throw stale;
    }
    if (!response.ok) {
      const error = new ApiError(response.status, json);
      if (response.status === 401 || response.status === 403) {
        signOut(error, response.status === 401);
        error.handled = true;
      }
      throw error;
    }
    return json;
  }

  function report(error) {
    if (!error.handled) {
      showError(error);
    }
  }

  // ---- list ----------------------------------------------------------------------------------------------------

  function filters() {
    return {
      status: $('filter-status').value,
      queue: $('filter-queue').value.trim(),
      jobId: $('filter-job').value.trim(),
    };
  }

  async function reload() {
    const wanted = filters();
    const query = new URLSearchParams({ status: wanted.status, limit: String(LIMIT) });
    if (wanted.queue) {
      query.set('queue', wanted.queue);
    }
    if (wanted.jobId) {
      query.set('jobId', wanted.jobId);
    }
    setStatus('connecting', 'loading');
    let answer;
    try {
      answer = await call('GET', `${API}?${query}`);
    } catch (error) {
      setStatus('stale', 'not loaded');
      report(error);
      return;
    }
    clearError();
    state.items = answer && Array.isArray(answer.items) ? answer.items : [];
    render();
    const now = new Date();
    $('refresh-status').dataset.updatedAt = now.toISOString();
    setStatus('live', `updated ${now.toLocaleTimeString()}`);
  }

  function render() {
    const now = Date.now();
    const rows = state.items.map((item) => {
      const row = fromTemplate('dead-letter-template');
      row.dataset.id = String(item.id);
      row.dataset.status = String(item.status || '');
      row.dataset.messageId = String(item.messageId || '');
      row.classList.toggle('selected', item.id === state.selected);
      setText(row, 'queue', item.queue);
      setText(row, 'reason', item.reason);
      setText(row, 'jobId', item.jobId || '—');
      setText(row, 'deliveries', number.format(item.deliveries || 0));
      setText(row, 'status', (item.status || '').toLowerCase());
      const when = field(row, 'when');
      when.dateTime = item.lastDeadLetteredAt || '';
      when.title = item.lastDeadLetteredAt || '';
      when.textContent = item.lastDeadLetteredAt ? `${ago(now - Date.parse(item.lastDeadLetteredAt))} ago` : '—';
      const replay = row.querySelector('[data-action="replay"]');
      replay.hidden = item.status !== 'OPEN';
      replay.disabled = !item.replayable;
      replay.title = item.replayable ? 'Send it back to its queue' : 'Its body was too large to keep: discard it';
      row.querySelector('[data-action="show"]').addEventListener('click', () => show(item.id));
      replay.addEventListener('click', () => replayOne(item.id, replay));
      return row;
    });
    $('dead-letter-list').replaceChildren(...rows);
    $('dead-letter-count').textContent = String(state.items.length) + (state.items.length >= LIMIT ? '+' : '');
    $('list-empty').hidden = state.items.length > 0;
    $('replay-all').disabled = !state.items.some((item) => item.status === 'OPEN');
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  async function replayOne(id, button) {
    button.disabled = true;
    try {
      const letter = await call('POST', `${API}/${encodeURIComponent(id)}/replay`);
      outcome(`Replayed ${letter.messageId || id} to ${letter.queue || 'its queue'}.`);
    } catch (error) {
      button.disabled = false;
      outcome('Replay failed.', true);
      report(error);
      return;
    }
    await reload();
    if (state.selected === id) {
      show(id);
    }
  }

  function askReplayAll() {
    const wanted = filters();
    const open = state.items.filter((item) => item.status === 'OPEN').length;
    const scope = [wanted.queue ? `of queue ${wanted.queue}` : 'of every queue', wanted.jobId ? `for job ${wanted.jobId}` : '']
      .filter(Boolean).join(' ');
    $('replay-all-question').textContent =
      `Replay every open dead letter ${scope}? (${open}${open >= LIMIT ? ' or more' : ''} listed here.)`;
    $('replay-all-confirm').hidden = false;
    $('replay-all-yes').focus();
  }

  async function replayAll() {
    const wanted = filters();
    const body = {};
    if (wanted.queue) {
      body.queue = wanted.queue;
    }
    if (wanted.jobId) {
      body.jobId = wanted.jobId;
    }
    $('replay-all-yes').disabled = true;
    try {
      const result = await call('POST', `${API}/replay`, body);
      const notes = [];
      if (result.tooLarge) {
        notes.push(`${result.tooLarge} too large to replay`);
      }
      if (result.failed) {
        notes.push(`${result.failed} failed`);
      }
      if (result.alreadyResolved) {
        notes.push(`${result.alreadyResolved} resolved meanwhile`);
      }
      if (result.more) {
        notes.push('more remain: replay again');
      }
      outcome(`Replayed ${result.replayed} of ${result.matched}${notes.length ? ` (${notes.join(', ')})` : ''}.`,
        Boolean(result.failed));
    } catch (error) {
      outcome('Replay failed.', true);
      report(error);
    } finally {
      $('replay-all-yes').disabled = false;
      $('replay-all-confirm').hidden = true;
    }
    closeDetail();
    await reload();
  }

  async function discard(event) {
    event.preventDefault();
    const id = state.selected;
    const reason = $('discard-reason').value.trim();
    if (!id) {
      return;
    }
    if (!reason) {
      showError(new ApiError(0, { title: 'A reason is required', detail: 'say why this dead letter is discarded' }));
      $('discard-reason').focus();
      return;
    }
    $('discard-submit').disabled = true;
    try {
      await call('POST', `${API}/${encodeURIComponent(id)}/discard`, { reason });
      outcome(`Discarded ${id}.`);
      $('discard-reason').value = '';
    } catch (error) {
      outcome('Discard failed.', true);
      report(error);
      return;
    } finally {
      $('discard-submit').disabled = false;
    }
    await reload();
    show(id);
  }

  // ---- detail --------------------------------------------------------------------------------------------------

  async function show(id) {
    let letter;
    try {
      letter = await call('GET', `${API}/${encodeURIComponent(id)}`);
    } catch (error) {
      report(error);
      return;
    }
    state.selected = id;
    for (const row of $('dead-letter-list').children) {
      row.classList.toggle('selected', row.dataset.id === id);
    }
    const detail = $('detail');
    detail.dataset.id = id;
    detail.dataset.status = String(letter.status || '');
    $('detail-id').textContent = id;
    $('detail-queue').textContent = letter.queue || '';
    $('detail-reason').textContent = letter.reason || '';
    $('detail-job').textContent = letter.jobId || '—';
    $('detail-message-id').textContent = letter.messageId || '';
    $('detail-type').textContent = letter.type ? `(${letter.type})` : '';
    $('detail-deliveries').textContent = `${letter.deliveries}` + (letter.timesDeadLettered > 1
      ? ` · dead-lettered ${letter.timesDeadLettered} times, replayed ${letter.replays}` : '');
    $('detail-when').textContent = letter.firstDeadLetteredAt === letter.lastDeadLetteredAt
      ? String(letter.lastDeadLetteredAt || '')
      : `${letter.lastDeadLetteredAt} (first ${letter.firstDeadLetteredAt})`;
    const resolved = letter.status === 'DISCARDED'
      ? ` by ${letter.resolvedBy || '?'}: ${letter.discardReason || ''}`
      : letter.status === 'REPLAYED' ? ` by ${letter.resolvedBy || '?'}` : '';
    $('detail-status').textContent = (letter.status || '').toLowerCase() + resolved;
    $('detail-original').textContent = letter.originalExchange !== undefined || letter.originalRoutingKey !== undefined
      ? `exchange "${letter.originalExchange || ''}", routing key ${letter.originalRoutingKey || '—'}` : '—';
    if (letter.replayable) {
      $('detail-body').textContent = letter.bodyPreview || '';
      $('detail-body-note').textContent = `${number.format(letter.bodySize)} bytes`
        + (letter.bodyPreviewTruncated ? ', first 4 KB shown' : '');
    } else {
      $('detail-body').textContent = '';
      $('detail-body-note').textContent = `${number.format(letter.bodySize)} bytes, too large to keep: it can only be discarded`;
    }
    $('detail-headers').textContent = JSON.stringify(letter.headers || {}, null, 2);
    const open = letter.status === 'OPEN';
    $('discard-form').hidden = !open;
    $('detail-replay').disabled = !letter.replayable;
    detail.hidden = false;
  }

  function closeDetail() {
    state.selected = null;
    $('detail').hidden = true;
    for (const row of $('dead-letter-list').children) {
      row.classList.remove('selected');
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  function outcome(text, failed) {
    const line = $('outcome');
    line.textContent = text;
    line.dataset.state = failed ? 'failed' : 'ok';
  }

  function setStatus(stateName, text) {
    const status = $('refresh-status');
    status.dataset.state = stateName;
    status.textContent = text;
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
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
    $('filter-form').addEventListener('submit', (event) => {
      event.preventDefault();
      reload();
    });
    $('filter-status').addEventListener('change', () => reload());
    $('replay-all').addEventListener('click', askReplayAll);
    $('replay-all-yes').addEventListener('click', replayAll);
    $('replay-all-no').addEventListener('click', () => {
      $('replay-all-confirm').hidden = true;
    });
    $('detail-close').addEventListener('click', closeDetail);
    $('detail-replay').addEventListener('click', () => {
      if (state.selected) {
        replayOne(state.selected, $('detail-replay'));
      }
    });
    $('discard-form').addEventListener('submit', discard);

    followToken(signIn, () => signOut(null, false));
  }

  start();
})();
