// Relais demo pages (clinician.html, patient.html): the UI around relais.js. The page role comes from
// <body data-role>. Everything a test needs to check is mirrored in window.demoState (read over the DevTools
// protocol), so the end-to-end test observes the page the way a user would, without private hooks.
import { RelaisClient } from '/demo/relais.js';

const role = document.body.dataset.role;
const $ = (selector) => document.querySelector(selector);
const state = window.demoState = {
  role, status: 'idle', selfId: null, error: null, media: null,
  lobbyPosition: null, clinicianPresent: null, lobby: [],
  consent: null, participants: {}, quality: {}, qualityMessages: 0, lastResume: null, counters: {}, lastSeq: 0, events: [],
};
const tiles = new Map();  // participant id -> {figure, video, badge}

function log(text) {
  state.events.push(`${new Date().toISOString().slice(11, 19)} ${text}`);
  if (state.events.length > 200) state.events.shift();
  const item = document.createElement('li');
  item.textContent = state.events.at(-1);
  $('#log').prepend(item);
  while ($('#log').children.length > 40) $('#log').lastChild.remove();
}

async function start(token) {
  $('#join-form').hidden = true;
  $('#call').hidden = false;
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    $('#local-video').srcObject = stream;
    state.media = 'camera+microphone';
  } catch (error) {
    state.media = `none (${error.name})`;  // still joins: receive-only
    log(`no local media: ${error.name}`);
  }
  const client = window.relais = new RelaisClient({ token, localStream: stream });
  wire(client);
  try {
    await client.connect();
  } catch (error) {
    state.error = error.message;
    log(`join failed: ${error.message}`);
  }
}

function wire(client) {
  const on = (type, handler) => client.on(type, (detail) => { log(type + summary(detail)); handler?.(detail); render(); });
  on('joined', (msg) => {
    state.selfId = msg.participant.id;
    if (Array.isArray(msg.lobby)) state.lobby = msg.lobby.map((p) => p.id);
  });
  on('lobby', ({ position, clinicianPresent }) => { state.lobbyPosition = position; state.clinicianPresent = clinicianPresent; });
  on('admitted');
  on('denied', () => { state.error = 'denied'; });
  on('lobby-changed', (members) => { state.lobby = members.map((p) => p.id); });
  on('lobby-waiting');
  on('participant-joined');
  on('participant-left', ({ participant }) => removeTile(participant));
  on('participant-reconnecting');
  on('participant-resumed');
  on('consent');
  on('peer', ({ peer }) => tile(peer));
  on('peer-closed', ({ peer }) => removeTile(peer));
  on('peer-state');
  on('negotiation');
  on('reconnecting');
  on('resumed', (detail) => { state.lastResume = detail; });
  on('resume-failed');
  on('ended', (msg) => { state.error = `ended: ${msg.reason}`; });
  on('closed');
  on('error');
  client.on('track', ({ peer, stream }) => { const t = tile(peer); if (t.video.srcObject !== stream) t.video.srcObject = stream; });
  client.on('quality', (q) => { state.qualityMessages++; state.quality[q.participant] = { level: q.level, mos: q.mos, limitedBy: q.limitedBy ?? null }; render(); });
  client.on('stats', ({ peer, report }) => readInbound(peer, report));
  client.on('warning', ({ peer, error }) => log(`warning ${peer}: ${error?.message ?? error}`));
  setInterval(() => render(), 500);
}

function summary(detail) {
  if (!detail || typeof detail !== 'object') return '';
  const keys = ['participant', 'peer', 'step', 'position', 'granted', 'reason', 'connection', 'code', 'replayFrom', 'replayTo'];
  const parts = keys.filter((k) => detail[k] !== undefined).map((k) => `${k}=${typeof detail[k] === 'object' ? detail[k].id : detail[k]}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** Received video, from the stats the client forwards anyway: proof that frames are decoded, not just sent. */
function readInbound(peer, report) {
  const p = participantState(peer);
  for (const entry of report.values()) {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
      // Chromium may start a new inbound-rtp (counters from zero) after an ICE restart or a rollback: keep a
      // running total so "frames decoded" only ever grows and a reset is not mistaken for frozen video.
      const raw = entry.framesDecoded ?? 0;
      if (raw < (p.rawFrames ?? 0)) p.framesBase = (p.framesBase ?? 0) + p.rawFrames;
      p.rawFrames = raw;
      p.framesDecoded = (p.framesBase ?? 0) + raw;
      p.frameWidth = entry.frameWidth ?? 0;
    }
  }
}

function participantState(id) {
  return state.participants[id] ??= { framesDecoded: 0, frameWidth: 0, videoWidth: 0, pc: 'none', ice: 'none', pcId: null };
}

function tile(id) {
  if (tiles.has(id)) return tiles.get(id);
  const figure = document.createElement('figure');
  figure.dataset.peer = id;
  const video = Object.assign(document.createElement('video'), { autoplay: true, playsInline: true });
  const caption = document.createElement('figcaption');
  const badge = Object.assign(document.createElement('span'), { className: 'badge' });
  figure.append(video, caption, badge);
  $('#remotes').append(figure);
  const t = { figure, video, caption, badge };
  tiles.set(id, t);
  return t;
}

function removeTile(id) {
  tiles.get(id)?.figure.remove();
  tiles.delete(id);
}

const pcIds = new WeakMap();
let nextPcId = 1;

function render() {
  const client = window.relais;
  if (!client) return;
  state.status = client.state;
  state.lastSeq = client.lastSeq;
  state.counters = { ...client.counters };
  state.consent = { ...client.consentState };
  $('#status').textContent = client.state;
  for (const [id, peer] of client.peers) {
    const p = participantState(id);
    if (!pcIds.has(peer.pc)) pcIds.set(peer.pc, nextPcId++);
    Object.assign(p, { pc: peer.pc.connectionState, ice: peer.pc.iceConnectionState, pcId: pcIds.get(peer.pc), polite: peer.polite });
    const t = tile(id);
    p.videoWidth = t.video.videoWidth;
    const info = client.participants.get(id);
    t.caption.textContent = `${info?.name ?? id} · ${info?.role ?? ''}${info?.state === 'reconnecting' ? ' · reconnexion / reconnecting' : ''} · média / media: ${p.pc}`;
  }
  for (const id of Object.keys(state.participants)) {
    if (!client.peers.has(id)) state.participants[id].pc = 'closed';
  }
  renderQuality(client);
  if (role === 'clinician') renderLobby(client); else renderPatient(client);
}

function label(q) {
  if (!q) return ['unknown', '—'];
  const limit = q.limitedBy ? ` · limité par / limited by ${q.limitedBy}` : '';
  return [q.level, `MOS ${Number(q.mos).toFixed(2)}${limit}`];
}

function renderQuality(client) {
  const rows = [];
  const ids = [client.self?.id, ...client.participants.keys()].filter(Boolean);
  for (const id of ids) {
    const [level, text] = label(state.quality[id]);
    const name = id === client.self?.id ? client.self.name : client.participants.get(id)?.name;
    const who = `${name ?? id}${id === client.self?.id ? ' (vous · you)' : ''}`;
    rows.push(`<tr><td>${escape(who)}</td><td><span class="badge ${level}">${level}</span></td><td>${escape(text)}</td></tr>`);
    const t = tiles.get(id);
    if (t) { t.badge.className = `badge ${level}`; t.badge.textContent = state.quality[id] ? `${level} ${Number(state.quality[id].mos).toFixed(1)}` : level; }
  }
  $('#quality-table tbody').innerHTML = rows.join('');
}

function renderLobby(client) {
  const list = $('#lobby-list');
  const ids = [...client.lobbyMembers.keys()];
  if (list.dataset.ids === ids.join(',')) return;  // rebuild only on change so clicks are not lost
  list.dataset.ids = ids.join(',');
  list.replaceChildren(...[...client.lobbyMembers.values()].map((p) => {
    const item = document.createElement('li');
    item.innerHTML = `<span>${escape(p.name ?? p.id)} <small class="muted">${escape(p.role)}${p.relation ? ' · ' + escape(p.relation) : ''}</small></span>`;
    const admit = Object.assign(document.createElement('button'), { textContent: 'Admettre · Admit' });
    admit.dataset.admit = p.id;
    admit.onclick = () => client.admit(p.id).catch((e) => log(`admit: ${e.code ?? e.message}`));
    const deny = Object.assign(document.createElement('button'), { textContent: 'Refuser · Deny', className: 'secondary' });
    deny.dataset.deny = p.id;
    deny.onclick = () => client.deny(p.id).catch((e) => log(`deny: ${e.code ?? e.message}`));
    item.append(admit, deny);
    return item;
  }));
  $('#lobby-empty').hidden = ids.length > 0;
}

function renderPatient(client) {
  const waiting = client.state === 'lobby' || (client.state === 'reconnecting' && !client._admitted);
  $('#waiting').hidden = !waiting;
  const position = state.lobbyPosition ?? '—';
  $('#position-fr').textContent = position;
  $('#position-en').textContent = position;
  $('#clinician-fr').textContent = state.clinicianPresent ? 'Le clinicien est connecté.' : "Le clinicien n'est pas encore arrivé.";
  $('#clinician-en').textContent = state.clinicianPresent ? 'The clinician is here.' : 'The clinician has not arrived yet.';
  const consent = client.consentState;
  $('#consent').hidden = !consent.required || consent.granted || client.state === 'closed';
  $('#consent-given').hidden = !consent.required || !consent.granted;
  $('#consent-version').textContent = consent.version ?? '—';
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function setup() {
  const params = new URLSearchParams(location.search);
  $('#join-form').onsubmit = (event) => { event.preventDefault(); start($('#token').value.trim()); };
  $('#drop').onclick = () => window.relais?.debugDropSocket();
  $('#end')?.addEventListener('click', () => window.relais?.end().catch((e) => log(`end: ${e.message}`)));
  $('#leave')?.addEventListener('click', () => window.relais?.leave());
  const consent = (granted) => window.relais?.consent({ granted }).catch((e) => log(`consent: ${e.code ?? e.message}`));
  $('#consent-accept')?.addEventListener('click', () => consent(true));
  $('#consent-decline')?.addEventListener('click', () => consent(false));
  $('#consent-withdraw')?.addEventListener('click', () => consent(false));
  // ?token=… joins at once (links sent by a scheduling system); otherwise the form asks for one.
  if (params.get('token')) start(params.get('token'));
}

setup();
