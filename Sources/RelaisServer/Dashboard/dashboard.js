// Relais dashboard: the fleet, the live visits and one visit's quality over time, from the admin API.
// No framework and no build step: the file is served as written (embedded in the binary). The page loads the
// current state once over HTTP, then follows the live feed (/api/v1/feed) instead of polling; the selected
// visit's series is re-read when the feed says its quality moved. Everything the test needs to check is
// mirrored in window.dashboardState.
'use strict';

(() => {
  const LEVELS = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'LOST', 'unknown'];
  // Lower is worse; `unknown` never wins a "worst of" (no score is not a bad score).
  const RANK = { LOST: 0, POOR: 1, FAIR: 2, GOOD: 3, EXCELLENT: 4 };
  const METRICS = [
    { key: 'mos', label: 'MOS', unit: '', digits: 2, min: 1, max: 5, color: '#0b6bcb', marks: [[4.03, 'EXCELLENT'], [3.6, 'GOOD'], [3.1, 'FAIR']] },
    { key: 'rttMs', label: 'RTT', unit: ' ms', digits: 0, floor: 50, color: '#7b3fa0' },
    { key: 'jitterMs', label: 'Jitter', unit: ' ms', digits: 1, floor: 10, color: '#00838f' },
    { key: 'lossPct', label: 'Loss', unit: ' %', digits: 2, floor: 1, color: '#c0392b' },
  ];
  const TOKEN_KEY = 'relais.adminToken';
  // RFC 6455 subprotocol values are HTTP tokens; other admin tokens travel in the feed URL's query instead.
  const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  const state = window.dashboardState = {
    connected: false, feed: 'offline', feedEvents: 0, overview: null, visits: [], selected: null,
    series: null, charts: {}, lastError: null,
  };
  const visits = new Map();  // id -> { id, createdAt, participants: Map(pid -> { role, level, mos }) }
  let token = sessionStorage.getItem(TOKEN_KEY);
  let feed = null, feedRetry = 1000, seriesTimer = null, seriesPoll = null;

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const fmt = (v, digits) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : Number(v).toFixed(digits);
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  class AuthError extends Error {}

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) throw new AuthError((await response.json()).message);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // MARK: Sign-in

  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    start();
  });

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    state.connected = false;
    if (feed) { feed.onclose = null; feed.close(); feed = null; }
    setFeedStatus('offline', 'not connected');
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').hidden = !message;
    $('login-error').textContent = message || '';
  }

  async function start() {
    if (!token) return;
    try {
      const [overview, list] = await Promise.all([api('/api/v1/overview'), api('/api/v1/visits?state=live&limit=500')]);
      visits.clear();
      for (const v of list.visits) addVisit(v);
      renderFleet(overview);
      renderVisits();
    } catch (error) {
      if (error instanceof AuthError) { signOut('That token was refused.'); return; }
      state.lastError = String(error);
      setFeedStatus('offline', 'server unreachable');
      setTimeout(start, 3000);
      return;
    }
    state.connected = true;
    $('login').hidden = true;
    $('app').hidden = false;
    openFeed();
  }

  // MARK: Live feed

  function setFeedStatus(mode, text) {
    state.feed = mode;
    $('feed-status').dataset.state = mode;
    $('feed-status').textContent = text;
  }

  function openFeed() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let url = `${scheme}//${location.host}/api/v1/feed`;
    const protocols = ['relais.feed.v1'];
    if (HTTP_TOKEN.test(token)) protocols.push(`bearer.${token}`);
    else url += `?token=${encodeURIComponent(token)}`;
    setFeedStatus('connecting', 'connecting…');
    const socket = feed = new WebSocket(url, protocols);
    let opened = false;
    socket.onopen = () => { opened = true; feedRetry = 1000; setFeedStatus('live', 'live'); };
    socket.onmessage = (event) => { state.feedEvents += 1; handle(JSON.parse(event.data)); };
    socket.onclose = () => {
      if (feed !== socket) return;
      feed = null;
      setFeedStatus('connecting', 'reconnecting…');
      // A refusal before the upgrade shows up as a close without open: check the token before retrying.
      const retry = () => (opened ? Promise.resolve() : api('/api/v1/overview').then(renderFleet))
        .then(() => start())
        .catch((error) => error instanceof AuthError ? signOut('The token is no longer accepted.') : setTimeout(retry, feedRetry));
      setTimeout(retry, feedRetry);
      feedRetry = Math.min(feedRetry * 2, 15000);
    };
  }

  function handle(event) {
    const v = event.visit ? visits.get(event.visit) : null;
    switch (event.type) {
      case 'overview':
        renderFleet(event);
        return;
      case 'visit-started':
        addVisit({ id: event.visit, createdAt: event.createdAt, participants: [] });
        break;
      case 'visit-ended':
        visits.delete(event.visit);
        if (state.selected === event.visit) {
          $('detail-summary').textContent = `ended (${event.reason})`;
          loadSeries();
        }
        break;
      case 'participant-joined':
        ensureVisit(event.visit).participants.set(event.participant, { role: event.role, level: 'unknown', mos: null });
        break;
      case 'participant-left':
        if (v) v.participants.delete(event.participant);
        break;
      case 'quality': {
        const p = ensureVisit(event.visit).participants.get(event.participant) || { role: null };
        ensureVisit(event.visit).participants.set(event.participant, { ...p, level: event.level, mos: event.mos ?? null });
        if (state.selected === event.visit) scheduleSeries(1000);
        break;
      }
      default:
        return;  // subscribed, consent, participant-admitted: nothing to redraw
    }
    renderVisits();
  }

  // MARK: Visits

  function ensureVisit(id) {
    if (!visits.has(id)) addVisit({ id, createdAt: Date.now(), participants: [] });
    return visits.get(id);
  }

  function addVisit(v) {
    const participants = new Map();
    for (const p of v.participants || []) {
      participants.set(p.id, { role: p.role, level: p.quality?.level || 'unknown', mos: p.quality?.mos ?? null });
    }
    visits.set(v.id, { id: v.id, createdAt: v.createdAt, participants });
  }

  /// A visit's level is its worst scored participant's; its MOS the lowest.
  function summarise(v) {
    let level = 'unknown', mos = null;
    for (const p of v.participants.values()) {
      if (p.level in RANK && (level === 'unknown' || RANK[p.level] < RANK[level])) level = p.level;
      if (typeof p.mos === 'number' && (mos === null || p.mos < mos)) mos = p.mos;
    }
    return { id: v.id, level, mos, participants: v.participants.size, createdAt: v.createdAt };
  }

  function renderVisits() {
    const rows = [...visits.values()].map(summarise).sort((a, b) => b.createdAt - a.createdAt);
    state.visits = rows;
    const body = $('visits');
    body.replaceChildren(...rows.map((v) => {
      const tr = el('tr', { 'data-visit': v.id });
      if (v.id === state.selected) tr.className = 'selected';
      tr.append(el('td', { class: 'id' }, v.id));
      const level = el('td');
      level.append(el('span', { class: 'badge', 'data-level': v.level }, v.level));
      tr.append(level, el('td', {}, fmt(v.mos, 2)), el('td', {}, String(v.participants)), el('td', {}, clock(v.createdAt)));
      tr.addEventListener('click', () => select(v.id));
      return tr;
    }));
    $('no-visits').hidden = rows.length > 0;
    $('visit-count').textContent = `${rows.length} live`;
    if (state.selected && visits.has(state.selected)) {
      const current = rows.find((r) => r.id === state.selected);
      $('detail-level').hidden = false;
      $('detail-level').dataset.level = current.level;
      $('detail-level').textContent = current.level;
      renderPeople(visits.get(state.selected));
    }
  }

  /// The selected visit's participants: opaque id, role, level, MOS (the API never gives names, nor does this page).
  function renderPeople(v) {
    $('people').hidden = v.participants.size === 0;
    $('people').replaceChildren(...[...v.participants.entries()].map(([id, p]) => {
      const li = el('li');
      li.append(el('span', { class: 'pid' }, id), el('span', { class: 'muted' }, p.role || ''),
                el('span', { class: 'badge', 'data-level': p.level }, p.level), el('span', {}, fmt(p.mos, 2)));
      return li;
    }));
  }

  // MARK: Fleet

  function renderFleet(o) {
    state.overview = o;
    const byLevel = o.participantsByLevel || {};
    $('levels').replaceChildren(...LEVELS.map((level) => {
      const tile = el('div', { class: 'level', 'data-level': level, title: `participants at ${level}` });
      tile.append(el('b', {}, String(byLevel[level] ?? 0)), el('span', {}, level));
      return tile;
    }));
    $('fleet-time').textContent = `${o.visits} visits · ${o.participants} scored participants · ${clock(o.time || Date.now())}`;
    $('percentiles').replaceChildren(...METRICS.map((m) => {
      const p = o[m.key] || {};
      const tr = el('tr');
      tr.append(el('td', {}, m.label + m.unit));
      for (const key of ['p50', 'p90', 'p95', 'p99', 'mean']) tr.append(el('td', {}, fmt(p[key], m.digits)));
      tr.append(el('td', {}, String(p.count ?? 0)));
      return tr;
    }));
  }

  // MARK: Selected visit

  function select(id) {
    state.selected = id;
    state.series = null;
    state.charts = {};
    $('detail-title').textContent = `Visit ${id}`;
    $('detail-summary').textContent = '';
    $('charts').hidden = false;
    $('detail-empty').hidden = true;
    renderVisits();
    clearInterval(seriesPoll);
    // The feed announces quality changes; the poll only fills windows closed while nothing changed.
    seriesPoll = setInterval(loadSeries, 10000);
    loadSeries();
  }

  function scheduleSeries(delay) {
    if (seriesTimer) return;
    seriesTimer = setTimeout(() => { seriesTimer = null; loadSeries(); }, delay);
  }

  async function loadSeries() {
    const id = state.selected;
    if (!id) return;
    try {
      const series = await api(`/api/v1/visits/${encodeURIComponent(id)}/quality`);
      if (state.selected !== id) return;
      state.series = { visit: id, points: series.points.length };
      const s = series.summary;
      if (s && !$('detail-summary').textContent.startsWith('ended')) {
        $('detail-summary').textContent = `mean MOS ${fmt(s.meanMos, 2)} · scored ${fmt(s.scoredSeconds, 0)} s`;
      }
      for (const canvas of document.querySelectorAll('#charts canvas')) {
        const metric = METRICS.find((m) => m.key === canvas.dataset.metric);
        state.charts[metric.key] = drawChart(canvas, metric, series.points);
      }
    } catch (error) {
      if (error instanceof AuthError) signOut('The token is no longer accepted.');
      else state.lastError = String(error);
    }
  }

  /// Draws one metric as a line over time on a canvas (HiDPI-aware); null values leave gaps.
  function drawChart(canvas, metric, points) {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || canvas.width, cssHeight = Math.round(cssWidth * 170 / 520);
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cssWidth, cssHeight);
    const pad = { left: 44, right: 12, top: 10, bottom: 22 };
    const w = cssWidth - pad.left - pad.right, h = cssHeight - pad.top - pad.bottom;
    const values = points.map((p) => p[metric.key]).filter((v) => typeof v === 'number');
    g.font = '11px system-ui, "Liberation Sans", sans-serif';
    g.fillStyle = '#6b7785';
    if (values.length === 0) {
      g.fillText('no scored windows yet', pad.left + 8, pad.top + h / 2);
      return { points: 0, drawn: false };
    }
    const lo = metric.min ?? 0;
    const hi = metric.max ?? niceCeiling(Math.max(metric.floor, ...values) * 1.15);
    const t0 = points[0].t, t1 = points[points.length - 1].t + points[points.length - 1].durationMs;
    const x = (t) => pad.left + (t1 === t0 ? w / 2 : (t - t0) / (t1 - t0) * w);
    const y = (v) => pad.top + h - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo) * h;

    // Grid and axis labels.
    g.strokeStyle = '#e3e8ee';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const v = lo + (hi - lo) * i / 4;
      g.beginPath(); g.moveTo(pad.left, Math.round(y(v)) + 0.5); g.lineTo(pad.left + w, Math.round(y(v)) + 0.5); g.stroke();
      g.fillText(fmt(v, hi - lo < 5 ? 1 : 0), pad.left - 6, y(v));
    }
    for (const [v, level] of metric.marks || []) {  // level thresholds on the MOS chart
      g.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue(`--${level}`).trim() || '#999';
      g.setLineDash([4, 4]);
      g.beginPath(); g.moveTo(pad.left, y(v)); g.lineTo(pad.left + w, y(v)); g.stroke();
      g.setLineDash([]);
    }
    g.textBaseline = 'alphabetic';
    g.textAlign = 'left';
    g.fillText(clock(t0), pad.left, cssHeight - 6);
    g.textAlign = 'right';
    g.fillText(clock(t1), pad.left + w, cssHeight - 6);

    // The series: each point sits mid-window; a null breaks the line.
    g.strokeStyle = metric.color;
    g.fillStyle = metric.color;
    g.lineWidth = 2;
    g.beginPath();
    let drawing = false;
    for (const p of points) {
      const v = p[metric.key];
      if (typeof v !== 'number') { drawing = false; continue; }
      const px = x(p.t + p.durationMs / 2), py = y(v);
      if (drawing) g.lineTo(px, py); else g.moveTo(px, py);
      drawing = true;
    }
    g.stroke();
    for (const p of points) {
      if (typeof p[metric.key] === 'number') { g.beginPath(); g.arc(x(p.t + p.durationMs / 2), y(p[metric.key]), 2.5, 0, Math.PI * 2); g.fill(); }
    }
    const last = values[values.length - 1];
    g.textAlign = 'right';
    g.font = '600 12px system-ui, "Liberation Sans", sans-serif';
    g.fillText(`${fmt(last, metric.digits)}${metric.unit}`, pad.left + w - 2, pad.top + 12);
    return { points: values.length, drawn: true, last };
  }

  /// 1, 2 or 5 times a power of ten, at least `v` (readable axis tops).
  function niceCeiling(v) {
    const power = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * power).find((c) => c >= v);
  }

  window.addEventListener('resize', () => { if (state.selected) loadSeries(); });
  if (token) start();
})();
