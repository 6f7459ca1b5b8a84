// What the console's pages share: the operator's token (kept in sessionStorage for the tab, or handed over once as
// #token=… and then removed from the address bar), API errors as problem documents, and small DOM helpers that only
// ever set text (the pages' CSP requires Trusted Types). Loaded before each page's own script.
window.ColonyConsole = (() => {
  'use strict';

  const TOKEN_KEY = 'colony.console.token';

  const $ = (testId, root = document) => root.querySelector(`[data-testid="${testId}"]`);
  const field = (root, name) => root.querySelector(`[data-field="${name}"]`);

  /** An error answer of the API: its status and RFC 9457 problem document. */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem || {};
    }
  }

  /** A token in the URL's fragment (#token=…, for scripted use) is taken once and removed from the address bar. */
  function takeTokenFromFragment() {
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  /** The token's claims, for display only: the gateway and the services behind it verify it. */
  function claimsOf(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
      return JSON.parse(json) || {};
    } catch (ignored) {
      return {};
    }
  }

  function setText(root, name, value) {
    const element = field(root, name);
    if (element) {
      element.textContent = value === undefined || value === null ? '' : String(value);
    }
  }

  /** Shows an error in the page's error box: the problem's title, status and detail. */
  function showError(error) {
    const problem = error instanceof ApiError ? error.problem : {};
    const box = $('error');
    $('error-title').textContent = problem.title || (error instanceof ApiError ? 'Request failed' : 'Error');
    $('error-status').textContent = error instanceof ApiError && error.status ? `(${error.status})` : '';
    $('error-detail').textContent = problem.detail || error.message || String(error);
    box.dataset.problem = typeof problem.type === 'string' ? problem.type : '';
    box.dataset.status = error instanceof ApiError ? String(error.status) : '';
    box.hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
  }

  /**
   * Signs the page in with a token pasted into the token form, handed over in the fragment (also on the open page,
   * where only the fragment changes) or kept for the tab; calls {@code signedOut} when there is none.
   */
  function followToken(signIn, signedOut) {
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
      if (token) {
        clearError();
        signIn(token);
      }
    });
    window.addEventListener('hashchange', () => {
      const before = sessionStorage.getItem(TOKEN_KEY);
      takeTokenFromFragment();
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token && token !== before) {
        clearError();
        signIn(token);
      }
    });
    takeTokenFromFragment();
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      signIn(token);
    } else {
      signedOut();
    }
  }

  return Object.freeze({ TOKEN_KEY, $, field, ApiError, takeTokenFromFragment, claimsOf, setText, showError, clearError,
    followToken });
})();
