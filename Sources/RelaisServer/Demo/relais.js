// relais.js: a dependency-free client for the Relais signalling protocol v1 (docs/protocol.md).
//
// One RelaisClient = one participant in one visit. It owns the WebSocket to /v1/signal, follows the lobby and
// consent flow, runs perfect negotiation with one RTCPeerConnection per remote participant, trickles ICE,
// resumes transparently after a dropped socket (resume token + last seq, replay), acks seq, and forwards the
// raw getStats() array every 2 s. The application listens to events (see clients/js/README.md).
//
// This file is served byte for byte at /demo/relais.js (a copy lives in Sources/RelaisServer/Demo/ because
// SwiftPM resources must sit inside the target; a test checks the two are identical).

/** Close codes after which reconnecting is pointless (docs/protocol.md "Close codes"). 4409: another device took
 *  over this participant, reconnecting would kick it out in turn. */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4408, 4409, 4410]);

/** Server error codes meaning "this resume cannot work": the client joins afresh with its token instead. */
const RESUME_FAILED_CODES = new Set(['resume_invalid', 'replay_unavailable']);

/** Byte order of the UTF-8 encodings of two ids (the protocol's rule for who is polite). */
export function compareIds(a, b) {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Reconnect delay for attempt n (1-based): exponential, capped, "equal jitter" so a ward of clients that lost
 *  Wi-Fi together does not come back in lockstep, yet never retries instantly. */
export function backoffDelay(attempt, { baseMs = 250, maxMs = 8000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * ceiling / 2;
}

/** The default signalling URL: same origin as the page, wss when the page is https. */
export function defaultSignalURL(loc = globalThis.location) {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/v1/signal`;
}

export class RelaisClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.token           the join token (JWT) minted for this participant
   * @param {string} [options.url]           ws(s)://host/v1/signal; default: the page's origin
   * @param {MediaStream} [options.localStream] tracks sent to every peer
   * @param {RTCConfiguration} [options.rtcConfiguration] merged with the server's iceServers
   * @param {number} [options.statsIntervalMs=2000] how often getStats() is forwarded
   * @param {number} [options.ackIntervalMs=1000]   how often the last seq seen is acked
   */
  constructor(options) {
    super();
    this.options = { statsIntervalMs: 2000, ackIntervalMs: 1000, reconnect: {}, ...options };
    this.url = options.url ?? defaultSignalURL();
    this.token = options.token;
    this.localStream = options.localStream ?? null;
    this.state = 'idle';             // idle | connecting | lobby | in-call | reconnecting | closed
    this.self = null;                // {id, role, ...} from joined
    this.room = null;                // room object from joined/admitted
    this.consentState = { required: false, version: null, granted: false };
    this.participants = new Map();   // admitted others: id -> {id, role, relation?, name?, state}
    this.lobbyMembers = new Map();   // clinicians only: waiting participants
    this.peers = new Map();          // id -> Peer
    this.quality = new Map();        // participant id -> last `quality` message
    this.iceServers = [];
    this.lastSeq = 0;                // highest seq processed; sent in resume and ack
    this.counters = { offersSent: 0, offersReceived: 0, answersSent: 0, answersReceived: 0, candidatesSent: 0,
      candidatesReceived: 0, rollbacks: 0, ignoredOffers: 0, iceRestarts: 0, statsSent: 0, resumes: 0,
      reconnects: 0, freshJoins: 0 };
    this.ws = null;
    this._resume = null;             // {token, ttl} of the current session
    this._live = false;              // joined/resumed on the current socket: requests may flow
    this._resuming = false;          // between a drop and `resumed`
    this._rejoining = false;         // a fresh join after a refused resume
    this._admitted = false;
    this._final = false;             // leave/end/denied/removed: never reconnect
    this._attempt = 0;
    this._dropAt = 0;
    this._outbox = [];               // negotiation messages produced while the socket was down
    this._retry = null;              // pending reconnect {timer, run}
    this._offline = false;           // simulated outage (debugDropSocket)
    this._pending = new Map();       // rid -> {resolve, reject, timer}
    this._nextRid = 0;
    this._lastAcked = 0;
    this._newcomerTargets = [];      // participants this client must offer to once negotiation is allowed
    this._timers = [];
  }

  /** Convenience: `client.on('quality', q => …)`; returns a function that unsubscribes. */
  on(type, handler) {
    const listener = (event) => handler(event.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  /** Opens the socket and joins. Resolves with the `joined` message (lobby or room). */
  connect() {
    if (this.state !== 'idle') throw new Error(`connect() called in state ${this.state}`);
    this._timers.push(setInterval(() => this._sendAck(), this.options.ackIntervalMs));
    this._timers.push(setInterval(() => this._forwardStats(), this.options.statsIntervalMs));
    // Back from a network outage: retry now rather than at the end of the current backoff delay.
    this._onlineListener = () => this._retryNow();
    globalThis.addEventListener?.('online', this._onlineListener);
    return new Promise((resolve, reject) => {
      this._joinWaiter = { resolve, reject };
      this._freshJoin();
    });
  }

  // ---- requests (clinician: admit/deny/remove/end; patient: consent; anyone: leave/ping) ----

  /** Patient: grant (or withdraw) consent. `version` defaults to the visit's (room.consent.version). */
  consent({ granted = true, version = this.consentState.version } = {}) {
    return this._request({ type: 'consent', granted, version });
  }
  admit(participant) { return this._request({ type: 'admit', participant }); }
  deny(participant) { return this._request({ type: 'deny', participant }); }
  remove(participant) { return this._request({ type: 'remove', participant }); }
  /** Clinician: end the visit for everyone. */
  end() { return this._request({ type: 'end' }); }
  ping() { return this._request({ type: 'ping', t: Date.now() }); }

  /** Leave for good (no resume): tells the server, closes every peer connection and the socket. */
  leave() {
    this._final = true;
    this._send({ type: 'leave' }, { queue: false });
    this._shutdown('left');
  }

  /** Replaces the media sent to every peer (perfect negotiation renegotiates where tracks are added). */
  setLocalStream(stream) {
    this.localStream = stream;
    for (const peer of this.peers.values()) peer.syncLocalTracks();
  }

  /**
   * Test and demo hook: drop the WebSocket as a network failure would (no `leave`); the client then resumes.
   * With `stayOffline`, reconnecting waits for debugGoOnline(), so a test can let messages pile up on the server
   * and check they are replayed.
   */
  debugDropSocket({ stayOffline = false } = {}) {
    this._offline = stayOffline;
    this.ws?.close(4000, 'debug drop');
  }

  debugGoOnline() {
    this._offline = false;
    this._retryNow();
  }

  // ---- socket lifecycle ----

  _open(firstMessage) {
    const ws = new (this.options.WebSocket ?? WebSocket)(this.url);
    this.ws = ws;
    this._live = false;
    ws.onopen = () => ws.send(JSON.stringify(firstMessage));
    ws.onmessage = (event) => { if (this.ws === ws) this._onMessage(event.data); };
    ws.onclose = (event) => { if (this.ws === ws) this._onClose(event.code, event.reason); };
    ws.onerror = () => {};  // a close event always follows; the reason is handled there
  }

  _freshJoin() {
    this.state = 'connecting';
    this.lastSeq = 0;  // a fresh session numbers from 1 again
    this._lastAcked = 0;
    this._resume = null;
    this._outbox = [];
    this._open({ type: 'join', token: this.token });
  }

  _onClose(code, reason) {
    this.ws = null;
    this._live = false;
    if (this._final || this.state === 'closed') { this._shutdown('closed', code, reason); return; }
    if (this.state === 'connecting') {
      // A fresh join failed. The first one rejects connect(); a re-join after a refused resume retries unless
      // the server said no for good (expired token, visit ended…).
      if (!this._rejoining || FINAL_CLOSE_CODES.has(code)) { this._shutdown('closed', code, reason); return; }
      this._scheduleReconnect(() => this._freshJoin());
      return;
    }
    const refused = this._resuming && (this._resumeRefused || code === 4401 || code === 4400);
    const graceOver = this._resuming && Date.now() - this._dropAt > (this._resume?.ttl ?? 30) * 1000;
    if (refused || graceOver) {
      // The server no longer holds our session: join afresh with the token. We become a newcomer again, so
      // every peer connection is rebuilt (the others are told participant-left, then participant-joined).
      this._resumeRefused = false;
      this._resuming = false;
      this._rejoining = true;
      this._resetCall();
      this.counters.freshJoins++;
      this.emit('resume-failed', { code });
      this._scheduleReconnect(() => this._freshJoin());
      return;
    }
    if (!this._resume || FINAL_CLOSE_CODES.has(code)) { this._shutdown('closed', code, reason); return; }
    if (!this._resuming) {
      this._resuming = true;
      this._dropAt = Date.now();
      this.state = 'reconnecting';
      this.emit('reconnecting', { code });
    }
    this._scheduleReconnect(() => {
      this.counters.reconnects++;
      this._open({ type: 'join', resume: { token: this._resume.token, lastSeq: this.lastSeq } });
    });
  }

  _scheduleReconnect(action) {
    this._attempt++;
    const delay = backoffDelay(this._attempt, this.options.reconnect);
    const run = () => {
      this._retry = null;
      if (this._final || this.state === 'closed') return;
      if (this._offline) { this._retry = { timer: null, run }; return; }  // debugDropSocket({stayOffline})
      action();
    };
    this._retry = { timer: setTimeout(run, delay), run };
  }

  /** Retries at once (the browser reports the network is back, or a test ends a simulated outage). */
  _retryNow() {
    const retry = this._retry;
    if (!retry) return;
    clearTimeout(retry.timer);
    retry.run();
  }

  /** Final stop: every peer connection and timer goes, pending requests fail. */
  _shutdown(why, code, reason) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this._timers.forEach(clearInterval);
    if (this._retry) clearTimeout(this._retry.timer);
    globalThis.removeEventListener?.('online', this._onlineListener);
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    for (const { reject, timer } of this._pending.values()) { clearTimeout(timer); reject(new Error(why)); }
    this._pending.clear();
    this._joinWaiter?.reject(new Error(`closed (${code ?? why})`));
    this._joinWaiter = null;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) ws.close(1000);
    this.emit('closed', { why, code, reason });
  }

  _resetCall() {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.participants.clear();
    this.lobbyMembers.clear();
    this._newcomerTargets = [];
  }

  // ---- sending ----

  /** Sends now when the session is live; otherwise keeps negotiation messages for after the resume. */
  _send(message, { queue = true } = {}) {
    if (this.ws && this._live && this.ws.readyState === 1) { this.ws.send(JSON.stringify(message)); return true; }
    if (queue) this._outbox.push(message);
    return false;
  }

  _request(message, timeoutMs = 15000) {
    const rid = `r${++this._nextRid}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this._pending.delete(rid); reject(new Error(`${message.type}: no answer`)); }, timeoutMs);
      this._pending.set(rid, { resolve, reject, timer });
      this._send({ ...message, rid });
    });
  }

  _sendAck() {
    if (this.lastSeq > this._lastAcked && this._send({ type: 'ack', seq: this.lastSeq }, { queue: false })) {
      this._lastAcked = this.lastSeq;
    }
  }

  /** Every 2 s: the raw getStats() array of each live peer connection, as docs/quality.md §1.2 accepts it. */
  async _forwardStats() {
    if (this.state !== 'in-call' || !this._live) return;
    for (const [id, peer] of this.peers) {
      if (!['connected', 'disconnected'].includes(peer.pc.connectionState)) continue;
      try {
        const report = await peer.pc.getStats();
        const entries = [...report.values()];
        if (this._send({ type: 'stats', report: entries, peer: id }, { queue: false })) this.counters.statsSent++;
        this.emit('stats', { peer: id, report });
      } catch (error) {
        this.emit('warning', { peer: id, error });
      }
    }
  }

  // ---- receiving ----

  _onMessage(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    if (typeof msg.seq === 'number') {
      if (msg.seq <= this.lastSeq) return;  // already processed (the server promises no duplicates; belt and braces)
      this.lastSeq = msg.seq;
    }
    this.emit('message', msg);
    const handler = this._handlers[msg.type];
    if (handler) handler.call(this, msg);
  }

  _settle(msg) {
    const pending = msg.rid && this._pending.get(msg.rid);
    if (!pending) return false;
    this._pending.delete(msg.rid);
    clearTimeout(pending.timer);
    if (msg.type === 'error') pending.reject(Object.assign(new Error(msg.message), { code: msg.code }));
    else pending.resolve(msg);
    return true;
  }

  _enterRoom(msg) {
    this.state = 'in-call';
    this._admitted = true;
    this.self = msg.participant ?? this.self;
    if (msg.room) this.room = msg.room;
    this._readConsent(msg.room);
    this.iceServers = msg.iceServers ?? [];
    for (const p of msg.participants ?? []) this.participants.set(p.id, p);
    // Protocol rule: the newcomer offers to everyone already present.
    this._newcomerTargets = (msg.participants ?? []).map((p) => p.id);
    this._startNegotiationIfAllowed();
  }

  _readConsent(room) {
    if (room?.consent) this.consentState = { ...this.consentState, ...room.consent };
  }

  /** A patient whose consent the visit still needs may not negotiate (the server would refuse to relay). */
  _negotiationAllowed() {
    return !(this.self?.role === 'patient' && this.consentState.required && !this.consentState.granted);
  }

  _startNegotiationIfAllowed() {
    if (this.state !== 'in-call' || !this._negotiationAllowed()) return;
    const targets = this._newcomerTargets;
    this._newcomerTargets = [];
    for (const id of targets) if (!this.peers.has(id) && this.participants.has(id)) this._peer(id, true);
  }

  _peer(id, initiator = false) {
    let peer = this.peers.get(id);
    if (!peer) {
      peer = new Peer(this, id, initiator);
      this.peers.set(id, peer);
      this.emit('peer', { peer: id, pc: peer.pc });
    }
    return peer;
  }

  _dropPeer(id) {
    const peer = this.peers.get(id);
    if (peer) { peer.close(); this.peers.delete(id); this.emit('peer-closed', { peer: id }); }
  }

  _rtcConfiguration() {
    const extra = this.options.rtcConfiguration ?? {};
    const policy = this.room?.iceTransportPolicy ?? this._iceTransportPolicy;
    return { ...extra, iceServers: [...(extra.iceServers ?? []), ...this.iceServers], ...(policy ? { iceTransportPolicy: policy } : {}) };
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}

/** One handler per server message type; `this` is the client. */
RelaisClient.prototype._handlers = {
  joined(msg) {
    this._live = true;
    this._attempt = 0;
    this._rejoining = false;
    this._admitted = false;
    this._resume = msg.resume ?? null;
    this._iceTransportPolicy = msg.iceTransportPolicy;
    this.self = msg.participant;
    this.room = msg.room;
    this._readConsent(msg.room);
    if (msg.lobby === true) {
      this.state = 'lobby';
    } else {
      for (const p of Array.isArray(msg.lobby) ? msg.lobby : []) this.lobbyMembers.set(p.id, p);
      this._enterRoom(msg);
    }
    this.emit('joined', msg);
    this._joinWaiter?.resolve(msg);
    this._joinWaiter = null;
  },
  lobby(msg) { this.emit('lobby', { position: msg.position, clinicianPresent: msg.clinicianPresent }); },
  admitted(msg) {
    this._iceTransportPolicy = msg.iceTransportPolicy ?? this._iceTransportPolicy;
    this._enterRoom(msg);
    this.emit('admitted', msg);
  },
  denied(msg) { this._final = true; this.emit('denied', msg); },
  'lobby-waiting'(msg) {
    this.lobbyMembers.set(msg.participant.id, msg.participant);
    this.emit('lobby-waiting', msg.participant);
    this.emit('lobby-changed', [...this.lobbyMembers.values()]);
  },
  'participant-joined'(msg) {
    const p = msg.participant;
    if (this.lobbyMembers.delete(p.id)) this.emit('lobby-changed', [...this.lobbyMembers.values()]);
    // A participant that comes back (superseded device) renegotiates from scratch.
    this._dropPeer(p.id);
    this.participants.set(p.id, p);
    this.emit('participant-joined', p);
  },
  'participant-left'(msg) {
    const id = msg.participant;
    if (this.lobbyMembers.delete(id)) this.emit('lobby-changed', [...this.lobbyMembers.values()]);
    this.participants.delete(id);
    this.quality.delete(id);
    this._dropPeer(id);
    this.emit('participant-left', { participant: id, reason: msg.reason });
  },
  'participant-reconnecting'(msg) { this._setState(msg.participant, 'reconnecting'); this.emit('participant-reconnecting', { participant: msg.participant }); },
  'participant-resumed'(msg) { this._setState(msg.participant, 'connected'); this.emit('participant-resumed', { participant: msg.participant }); },
  offer(msg) { this.counters.offersReceived++; this._peer(msg.from).onDescription({ type: 'offer', sdp: msg.sdp }); },
  answer(msg) {
    this.counters.answersReceived++;
    const peer = this.peers.get(msg.from);
    if (peer) peer.onDescription({ type: 'answer', sdp: msg.sdp });
  },
  candidate(msg) {
    this.counters.candidatesReceived++;
    this.peers.get(msg.from)?.onCandidate(msg.candidate);
  },
  consent(msg) {
    const mine = msg.participant === this.self?.id;
    if (mine) {
      this.consentState = { ...this.consentState, granted: msg.granted, version: msg.version ?? this.consentState.version };
      if (msg.granted) {
        // Admitted before consenting: the newcomer's offers were held back until now.
        if (this.peers.size === 0 && this._newcomerTargets.length === 0) this._newcomerTargets = [...this.participants.keys()];
        this._startNegotiationIfAllowed();
      } else {
        // Withdrawal: the media stops too, not only the signalling relay.
        for (const id of [...this.peers.keys()]) this._dropPeer(id);
      }
    } else if (!msg.granted) {
      this._dropPeer(msg.participant);
    }
    this.emit('consent', { participant: msg.participant, granted: msg.granted, version: msg.version, mine });
  },
  quality(msg) { this.quality.set(msg.participant, msg); this.emit('quality', msg); },
  resumed(msg) {
    // The peer connections are left alone: media flows peer to peer and survived the drop. Only signalling
    // state is refreshed; the replayed messages (seq replayFrom…replayTo) follow and go through _onMessage.
    this._live = true;
    this._resuming = false;
    this._attempt = 0;
    this._resume = msg.resume ?? this._resume;
    this.state = this._admitted ? 'in-call' : 'lobby';  // a replayed `admitted` moves a waiting patient on
    if (msg.iceServers) {
      this.iceServers = msg.iceServers;
      for (const peer of this.peers.values()) peer.refreshIceServers();
    }
    this.counters.resumes++;
    const outbox = this._outbox;
    this._outbox = [];
    for (const message of outbox) this._send(message);
    this.emit('resumed', { replayFrom: msg.replayFrom, replayTo: msg.replayTo });
  },
  ending(msg) { this.emit('ending', msg); },
  ended(msg) { this._final = true; this.emit('ended', msg); this._shutdown('ended'); },
  pong(msg) { this._settle(msg); this.emit('pong', msg); },
  ack(msg) { this._settle(msg); },
  error(msg) {
    if (RESUME_FAILED_CODES.has(msg.code) && this._resuming) this._resumeRefused = true;
    if (!this._settle(msg)) this.emit('error', msg);
  },
};

RelaisClient.prototype._setState = function (id, state) {
  const p = this.participants.get(id);
  if (p) p.state = state;
};

/**
 * One RTCPeerConnection to one remote participant, driven by the "perfect negotiation" pattern
 * (W3C WebRTC §10.7 example): either side may start a negotiation at any time; in glare the impolite side
 * ignores the incoming offer and the polite side rolls its own back. Roles come from the ids (protocol rule).
 */
class Peer {
  constructor(client, id, initiator) {
    this.client = client;
    this.id = id;
    this.polite = compareIds(client.self.id, id) < 0;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswerPending = false;
    this.chain = Promise.resolve();  // incoming descriptions and candidates are applied in arrival order
    this.sentTracks = new Set();
    this.remoteStream = new MediaStream();
    const pc = this.pc = new (client.options.RTCPeerConnection ?? RTCPeerConnection)(client._rtcConfiguration());
    pc.onnegotiationneeded = () => this.negotiate();
    pc.onicecandidate = ({ candidate }) => {
      client.counters.candidatesSent++;
      client._send({ type: 'candidate', to: id, candidate: candidate ? candidate.toJSON() : null });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') {
        client.counters.iceRestarts++;
        pc.restartIce();  // fires negotiationneeded: a new offer with fresh ICE credentials
      }
      client.emit('peer-state', { peer: id, ice: pc.iceConnectionState, connection: pc.connectionState });
    };
    pc.onconnectionstatechange = () => client.emit('peer-state', { peer: id, ice: pc.iceConnectionState, connection: pc.connectionState });
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? this.remoteStream;
      if (!streams[0]) this.remoteStream.addTrack(track);
      client.emit('track', { peer: id, track, stream });
    };
    // The initiator attaches media at once (negotiationneeded starts the offer). The answerer attaches it when
    // the first offer arrives, so its answer carries the tracks and no second offer crosses the first one.
    if (initiator) this.syncLocalTracks({ receiveOnlyFallback: true });
  }

  syncLocalTracks({ receiveOnlyFallback = false } = {}) {
    if (this.pc.signalingState === 'closed') return;
    const stream = this.client.localStream;
    const tracks = stream ? stream.getTracks() : [];
    for (const track of tracks) {
      if (this.sentTracks.has(track)) continue;
      this.sentTracks.add(track);
      this.pc.addTrack(track, stream);
    }
    // Without a camera or microphone the newcomer still has to offer so it can receive.
    if (tracks.length === 0 && receiveOnlyFallback && this.pc.getTransceivers().length === 0) {
      this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.pc.addTransceiver('video', { direction: 'recvonly' });
    }
  }

  async negotiate() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();  // implicit createOffer
      if (this.pc.localDescription?.type !== 'offer') return;
      this.client._send({ type: 'offer', to: this.id, sdp: this.pc.localDescription.sdp });
      this.client.counters.offersSent++;
      this.step('offer-sent');
    } catch (error) {
      this.client.emit('warning', { peer: this.id, error });
    } finally {
      this.makingOffer = false;
    }
  }

  onDescription(description) {
    this.enqueue(async () => {
      const pc = this.pc;
      const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswerPending);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) { this.client.counters.ignoredOffers++; this.step('offer-ignored'); return; }
      // Polite side in glare: setRemoteDescription(offer) rolls our pending offer back implicitly (it is queued
      // behind our own setLocalDescription in the connection's operation chain, so no explicit rollback races it).
      if (collision) { this.client.counters.rollbacks++; this.step('rollback'); }
      this.settingRemoteAnswerPending = description.type === 'answer';
      await pc.setRemoteDescription(description);
      this.settingRemoteAnswerPending = false;
      if (description.type === 'offer') {
        this.syncLocalTracks();
        await pc.setLocalDescription();  // implicit createAnswer
        this.client._send({ type: 'answer', to: this.id, sdp: pc.localDescription.sdp });
        this.client.counters.answersSent++;
        this.step('answer-sent');
      } else {
        this.step('answer-applied');
      }
    });
  }

  onCandidate(candidate) {
    this.enqueue(async () => {
      try {
        // null = end of candidates; addIceCandidate() without argument says exactly that.
        await (candidate ? this.pc.addIceCandidate(candidate) : this.pc.addIceCandidate());
      } catch (error) {
        if (!this.ignoreOffer && candidate) throw error;  // candidates of an offer we ignored are expected to fail
      }
    });
  }

  /** Tells the application where negotiation stands (`negotiation` event), for logs and diagnostics. */
  step(step) { this.client.emit('negotiation', { peer: this.id, step, polite: this.polite }); }

  enqueue(task) {
    this.chain = this.chain.then(task).catch((error) => this.client.emit('warning', { peer: this.id, error }));
  }

  refreshIceServers() {
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: this.client._rtcConfiguration().iceServers });
    } catch (error) {
      this.client.emit('warning', { peer: this.id, error });
    }
  }

  close() { this.pc.close(); }
}
