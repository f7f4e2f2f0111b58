"""The /demo visit in real headless Chromium, driven over the DevTools protocol (CDP).

Usage: browser_demo.py BASE_URL VISIT_ID ADMIN_TOKEN CLINICIAN_TOKEN PATIENT_TOKEN ARTIFACT_DIR

BASE_URL is https://127.0.0.1:PORT (self-signed certificate, accepted with --ignore-certificate-errors). The
clinician and the patient each get their own browser context (separate profiles, like two computers) and use the
pages exactly as people would: the patient waits in the lobby, the clinician clicks Admit, the patient clicks the
consent button. The script then checks the call (peer connection connected, video decoded both ways, stats sent,
quality in the page and in the JSON API), cuts the patient's WebSocket and checks the call resumes without any new
offer or answer and on the same RTCPeerConnection. Every wait polls window.demoState with a deadline. Prints one
JSON line of facts; exit 0 on success, 1 with the reason and both pages' state on failure. Screenshots go to
ARTIFACT_DIR.
"""
import asyncio
import base64
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import websockets

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class Failure(Exception):
    pass


class CDP:
    """One DevTools connection to the browser; pages are flat sessions multiplexed on it."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.pending = {}
        self.console = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg:
                future = self.pending.pop(msg["id"], None)
                if future and not future.done():
                    future.set_result(msg)
            elif msg.get("method") == "Runtime.exceptionThrown":
                details = msg["params"]["exceptionDetails"]
                self.console.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif msg.get("method") == "Runtime.consoleAPICalled":
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in msg["params"]["args"])
                self.console.append(f"console.{msg['params']['type']}: {args}")

    async def send(self, method, params=None, session=None, timeout=15):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send(json.dumps(message))
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise Failure(f"{method}: {reply['error']}")
        return reply["result"]


class Page:
    def __init__(self, cdp, session, name):
        self.cdp, self.session, self.name = cdp, session, name

    async def eval(self, expression):
        result = await self.cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                          "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            raise Failure(f"{self.name}: {expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    async def state(self):
        return await self.eval("JSON.parse(JSON.stringify(window.demoState ?? null))")

    async def wait(self, expression, what, timeout=20):
        """Polls a JS expression over demoState until it is truthy; fails with `what` and the page state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = await self.eval(f"(() => {{ const s = window.demoState; try {{ return {expression}; }} catch (e) {{ return false; }} }})()")
            if value:
                return value
            await asyncio.sleep(0.2)
        raise Failure(f"{self.name}: timed out after {timeout}s waiting for {what} ({expression})")

    async def click(self, selector):
        ok = await self.eval(f"(() => {{ const b = document.querySelector({json.dumps(selector)}); if (!b || b.offsetParent === null) return false; b.click(); return true; }})()")
        if not ok:
            raise Failure(f"{self.name}: no visible {selector} to click")

    async def screenshot(self, path):
        shot = await self.cdp.send("Page.captureScreenshot", {"format": "png"}, self.session)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


async def open_page(cdp, url, name):
    context = (await cdp.send("Target.createBrowserContext"))["browserContextId"]
    target = (await cdp.send("Target.createTarget", {"url": "about:blank", "browserContextId": context,
                                                     "width": 1280, "height": 800}))["targetId"]
    session = (await cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
    page = Page(cdp, session, name)
    await cdp.send("Runtime.enable", session=session)
    await cdp.send("Page.enable", session=session)
    await cdp.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1,
                                                          "mobile": False}, session)
    await cdp.send("Page.navigate", {"url": url}, session)
    return page


def api_get(base, path, admin_token):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test server's self-signed certificate
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {admin_token}"})
    with urllib.request.urlopen(request, context=context, timeout=5) as response:
        return json.loads(response.read())


def launch_browser(profile):
    args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--ignore-certificate-errors",
            "--autoplay-policy=no-user-gesture-required", "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows", "--mute-audio",
            "--disable-dev-shm-usage", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # Chromium announces its DevTools endpoint on stderr
        line = process.stderr.readline()
        if line.startswith("DevTools listening on "):
            return process, line.split(" ", 3)[3].strip()
        if not line and process.poll() is not None:
            break
    process.kill()
    raise Failure("chromium did not start (no DevTools endpoint)")


async def scenario(cdp, base, visit, admin, doc_token, pat_token, artifacts, facts):
    doc = await open_page(cdp, f"{base}/demo/clinician.html?token={doc_token}", "clinician")
    await doc.wait("s.status === 'in-call' && s.selfId === 'doc'", "the clinician in the visit")
    pat = await open_page(cdp, f"{base}/demo/patient.html?token={pat_token}", "patient")
    pages = (doc, pat)
    facts["pages"] = pages

    # Lobby: the patient waits (position 1, clinician present) and sees the bilingual consent prompt.
    await pat.wait("s.status === 'lobby' && s.lobbyPosition === 1 && s.clinicianPresent === true", "the patient in the lobby")
    await pat.wait("!document.querySelector('#waiting').hidden && !document.querySelector('#consent').hidden",
                   "the waiting-room message and the consent prompt")
    await pat.screenshot(os.path.join(artifacts, "patient-lobby.png"))
    await doc.wait("s.lobby.includes('pat') && !!document.querySelector('[data-admit=\"pat\"]')", "the patient in the clinician's lobby list")
    await doc.click('[data-admit="pat"]')
    await pat.wait("s.status === 'in-call'", "admission")
    # Admitted but not consenting yet: the newcomer must hold its offer back (the server would refuse it).
    await asyncio.sleep(0.5)
    held = await pat.eval("window.demoState.counters.offersSent")
    if held != 0:
        raise Failure(f"patient sent {held} offer(s) before consenting")
    await pat.click("#consent-accept")
    await pat.wait("s.consent.granted === true", "consent recorded")

    # The call: connected, video decoded on both sides, stats forwarded.
    await pat.wait("s.participants.doc?.pc === 'connected'", "the patient's peer connection connected", 30)
    await doc.wait("s.participants.pat?.pc === 'connected'", "the clinician's peer connection connected", 30)
    for page, other in ((pat, "doc"), (doc, "pat")):
        await page.wait(f"s.participants.{other}.framesDecoded > 0 && s.participants.{other}.videoWidth > 0",
                        "remote video decoded and playing", 30)
        await page.wait("s.counters.statsSent >= 2", "stats forwarded")
    negotiation = {p.name: (await p.state())["counters"] for p in pages}
    if negotiation["patient"]["offersSent"] < 1 or negotiation["clinician"]["offersSent"] != 0:
        raise Failure(f"the newcomer (patient) must offer and the clinician answer: {negotiation}")

    # Quality: level + MOS in both pages, and in the JSON API (5 s windows, so allow a few).
    for page in pages:
        await page.wait("Object.values(s.quality).some(q => q.level && q.level !== 'unknown' && q.mos > 0)",
                        "a quality level with a MOS in the page", 40)
    deadline = time.monotonic() + 40
    api_quality = None
    while time.monotonic() < deadline:
        detail = api_get(base, f"/api/v1/visits/{visit}", admin)
        scored = [p for p in detail.get("participants", []) if isinstance(p.get("quality"), dict)
                  and str(p["quality"].get("level", "unknown")).lower() != "unknown"]
        if len(scored) == 2:
            api_quality = {p["id"]: p["quality"] for p in scored}
            break
        await asyncio.sleep(0.5)
    if not api_quality:
        raise Failure(f"no quality for both participants in GET /api/v1/visits/{visit}: {detail}")
    facts["api_quality"] = api_quality
    while True:  # the time series gets its first point when a 5 s window closes
        series = api_get(base, f"/api/v1/visits/{visit}/quality", admin)
        if series.get("points"):
            break
        if time.monotonic() > deadline:
            raise Failure(f"no points in /api/v1/visits/{visit}/quality: {series}")
        await asyncio.sleep(0.5)
    facts["api_quality_points"] = len(series["points"])

    # Resume: cut the patient's WebSocket. The client must resume (resume token + lastSeq) and keep the same
    # RTCPeerConnection, with no offer or answer sent or received by either side.
    # The patient stays offline until the server has queued a message for it (the clinician's periodic `quality`,
    # sent to every admitted participant at most 10 s apart), so the replay carries something.
    before = {p.name: await p.state() for p in pages}
    seq_at_drop = await pat.eval("(() => { const seq = window.relais.lastSeq; "
                                 "window.relais.debugDropSocket({stayOffline: true}); return seq; })()")
    await doc.wait("s.events.some(e => e.includes('participant-reconnecting participant=pat'))", "participant-reconnecting")
    await pat.wait("s.status === 'reconnecting'", "the patient's client noticing the drop")
    doc_quality = await doc.eval("window.demoState.qualityMessages")
    await doc.wait(f"s.qualityMessages > {doc_quality}", "a quality message while the patient is offline", 15)
    await pat.eval("window.relais.debugGoOnline()")
    await pat.wait(f"s.counters.resumes === {before['patient']['counters']['resumes'] + 1} && s.status === 'in-call'", "resumed")
    resumed = await pat.wait(f"s.lastSeq >= s.lastResume?.replayTo && s.lastResume", "the replayed messages processed")
    if resumed["replayFrom"] != seq_at_drop + 1 or resumed["replayTo"] < resumed["replayFrom"]:
        raise Failure(f"replay {resumed} does not continue from seq {seq_at_drop}")
    await doc.wait("s.events.some(e => e.includes('participant-resumed participant=pat'))", "participant-resumed")
    for page, other in ((pat, "doc"), (doc, "pat")):
        frames = before[page.name]["participants"][other]["framesDecoded"]
        # New stats after the resume show frames still decoding (stats go out every 2 s).
        await page.wait(f"s.participants.{other}.framesDecoded > {frames} + 30 && s.counters.statsSent > "
                        f"{before[page.name]['counters']['statsSent'] + 1}", "media and stats flowing after the resume", 20)
    after = {p.name: await p.state() for p in pages}
    keys = ("offersSent", "offersReceived", "answersSent", "answersReceived", "rollbacks", "iceRestarts", "freshJoins")
    for name, other in (("patient", "doc"), ("clinician", "pat")):
        changed = {k: (before[name]["counters"][k], after[name]["counters"][k]) for k in keys
                   if before[name]["counters"][k] != after[name]["counters"][k]}
        if changed:
            raise Failure(f"{name}: the resume renegotiated: {changed}")
        b, a = before[name]["participants"][other], after[name]["participants"][other]
        if a["pcId"] != b["pcId"] or a["pc"] != "connected":
            raise Failure(f"{name}: peer connection replaced or not connected after the resume: {b} -> {a}")
    if after["patient"]["lastSeq"] < before["patient"]["lastSeq"]:
        raise Failure("seq went backwards across the resume")
    facts["resume"] = {"patientResumes": after["patient"]["counters"]["resumes"], "seqAtDrop": seq_at_drop,
                       "replay": [resumed["replayFrom"], resumed["replayTo"]],
                       "reconnects": after["patient"]["counters"]["reconnects"],
                       "lastSeq": after["patient"]["lastSeq"]}
    facts["counters"] = {name: after[name]["counters"] for name in after}
    facts["frames"] = {"patient": after["patient"]["participants"]["doc"]["framesDecoded"],
                       "clinician": after["clinician"]["participants"]["pat"]["framesDecoded"]}
    facts["page_quality"] = {name: after[name]["quality"] for name in after}
    facts["glare"] = await glare_during_outage(doc, pat)
    # For the record (not asserted): the API's view of the participants at the end, after two outages.
    facts["api_quality_end"] = {p["id"]: p.get("quality", {}).get("level")
                                for p in api_get(base, f"/api/v1/visits/{visit}", admin).get("participants", [])}
    await pat.screenshot(os.path.join(artifacts, "patient.png"))
    await doc.screenshot(os.path.join(artifacts, "clinician.png"))


UFRAG = "(id) => window.relais.peers.get(id).pc.currentLocalDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]"


async def glare_during_outage(doc, pat):
    """Perfect negotiation under a guaranteed glare: both sides restart ICE while the patient is offline.

    The patient's offer waits in its outbox; the clinician's is buffered by the server. On resume the patient sends
    its offer and then receives the replayed one, so each side gets an offer while holding its own: the impolite
    patient ("pat" > "doc" in byte order) must ignore the clinician's, the polite clinician must roll back and
    answer. The call must come back on the same peer connections with new ICE credentials.
    """
    start = {p.name: await p.state() for p in (doc, pat)}
    ufrags = {"clinician": await doc.eval(f"({UFRAG})('pat')"), "patient": await pat.eval(f"({UFRAG})('doc')")}
    await pat.eval("window.relais.debugDropSocket({stayOffline: true})")
    await pat.wait("s.status === 'reconnecting'", "the patient offline")
    await pat.eval("window.relais.peers.get('doc').pc.restartIce()")
    await doc.eval("window.relais.peers.get('pat').pc.restartIce()")
    await doc.wait(f"s.counters.offersSent === {start['clinician']['counters']['offersSent'] + 1}", "the clinician's offer")
    await pat.wait(f"window.relais._outbox.some(m => m.type === 'offer')", "the patient's offer held in its outbox")
    await pat.eval("window.relais.debugGoOnline()")
    await doc.wait(f"s.counters.rollbacks === {start['clinician']['counters']['rollbacks'] + 1}", "the polite side rolling back")
    await pat.wait(f"s.counters.ignoredOffers === {start['patient']['counters']['ignoredOffers'] + 1}", "the impolite side ignoring")
    for page, other in ((pat, "doc"), (doc, "pat")):
        await page.wait(f"s.participants.{other}.pc === 'connected' && window.relais.peers.get('{other}').pc.signalingState"
                        f" === 'stable' && ({UFRAG})('{other}') !== '{ufrags[page.name]}'", "the ICE restart completed", 20)
        frames = (await page.state())["participants"][other]["framesDecoded"]
        await page.wait(f"s.participants.{other}.framesDecoded > {frames} + 20", "video after the glare", 20)
    end = {p.name: await p.state() for p in (doc, pat)}
    for name, other in (("clinician", "pat"), ("patient", "doc")):
        if end[name]["participants"][other]["pcId"] != start[name]["participants"][other]["pcId"]:
            raise Failure(f"{name}: glare replaced the peer connection")
    return {name: {k: end[name]["counters"][k] - start[name]["counters"][k]
                   for k in ("offersSent", "answersSent", "rollbacks", "ignoredOffers")} for name in end}


async def main():
    base, visit, admin, doc_token, pat_token, artifacts = sys.argv[1:7]
    os.makedirs(artifacts, exist_ok=True)
    for name in os.listdir(artifacts):  # screenshots of an earlier run must not pass for this one's
        if name.endswith(".png"):
            os.remove(os.path.join(artifacts, name))
    profile = tempfile.mkdtemp(prefix="relais-chromium-")
    process, endpoint = launch_browser(profile)
    facts = {"ok": False}
    started = time.monotonic()
    try:
        async with websockets.connect(endpoint, max_size=64 * 1024 * 1024) as ws:
            cdp = CDP(ws)
            try:
                await scenario(cdp, base, visit, admin, doc_token, pat_token, artifacts, facts)
                facts["ok"] = True
            except (Failure, asyncio.TimeoutError) as error:
                facts["failure"] = str(error) or repr(error)
                for page in facts.get("pages", ()):
                    try:
                        facts[f"state_{page.name}"] = await page.state()
                        await page.screenshot(os.path.join(artifacts, f"{page.name}-failure.png"))
                    except Exception as inner:  # the page may be the thing that broke
                        facts[f"state_{page.name}"] = repr(inner)
                facts["console"] = cdp.console[-40:]
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(profile, ignore_errors=True)
    facts.pop("pages", None)
    facts["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(facts))
    sys.exit(0 if facts["ok"] else 1)


if __name__ == "__main__":
    asyncio.run(main())
