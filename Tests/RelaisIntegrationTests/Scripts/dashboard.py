"""The /dashboard page in real headless Chromium, driven over the DevTools protocol (CDP).

Usage: dashboard.py BASE_URL ADMIN_TOKEN VISIT_ID ARTIFACT_DIR

The test has started a server, created VISIT_ID through the API and has two participants sending stats. This script
opens the dashboard like an engineer would: types the admin token, waits for the live visit to show with its level,
checks that a visit created afterwards appears through the live feed (no reload, no polling of the list), selects the
visit and checks that the four charts are drawn with real ink on their canvases. Any console error, uncaught
exception or browser-level error (CSP violation, failed load) fails the run. Prints one JSON line of facts; exit 0 on
success, 1 with the reason, the page state and the console on failure. The screenshot goes to ARTIFACT_DIR.
"""
import asyncio
import base64
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_demo import CDP, Failure, launch_browser  # noqa: E402  (shared CDP plumbing)

WIDTH, HEIGHT = 1440, 900
METRICS = ("mos", "rttMs", "jitterMs", "lossPct")


class DashboardCDP(CDP):
    """CDP that also keeps browser-level log entries (CSP violations, failed loads, WebSocket errors)."""

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg:
                future = self.pending.pop(msg["id"], None)
                if future and not future.done():
                    future.set_result(msg)
                continue
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                self.console.append(("error", f"exception: {details.get('exception', {}).get('description') or details.get('text')}"))
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
                self.console.append(("error" if params["type"] in ("error", "assert") else params["type"], f"console.{params['type']}: {text}"))
            elif method == "Log.entryAdded":
                entry = params["entry"]
                self.console.append((entry["level"], f"log.{entry['source']}: {entry['text']} {entry.get('url', '')}"))


class Dashboard:
    def __init__(self, cdp, session):
        self.cdp, self.session = cdp, session

    async def eval(self, expression):
        result = await self.cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                          "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            raise Failure(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    async def state(self):
        return await self.eval("JSON.parse(JSON.stringify(window.dashboardState ?? null))")

    async def wait(self, expression, what, timeout=20):
        """Polls an expression over `s` (window.dashboardState) until it is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = await self.eval(f"(() => {{ const s = window.dashboardState; try {{ return {expression}; }} catch (e) {{ return false; }} }})()")
            if value:
                return value
            await asyncio.sleep(0.2)
        raise Failure(f"timed out after {timeout}s waiting for {what} ({expression})")

    async def screenshot(self, path):
        shot = await self.cdp.send("Page.captureScreenshot", {"format": "png"}, self.session)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def api(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


# Coloured pixels of a canvas: the series line and dots (the grid and the labels are grey, so an empty chart has none).
INK = """((id) => { const c = document.getElementById(id); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0; for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) ink++;
  return ink; })"""


async def scenario(cdp, base, token, visit, artifacts, facts):
    context = (await cdp.send("Target.createBrowserContext"))["browserContextId"]
    target = (await cdp.send("Target.createTarget", {"url": "about:blank", "browserContextId": context,
                                                     "width": WIDTH, "height": HEIGHT}))["targetId"]
    session = (await cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
    for domain in ("Runtime", "Page", "Log"):
        await cdp.send(f"{domain}.enable", session=session)
    await cdp.send("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                                                          "mobile": False}, session)
    page = Dashboard(cdp, session)
    facts["page"] = page
    await cdp.send("Page.navigate", {"url": f"{base}/dashboard"}, session)
    await page.wait("s && !document.getElementById('login').hidden && document.getElementById('app').hidden",
                    "the token form of a fresh tab")

    # Type the token like a person, then press Connect.
    await page.eval("document.getElementById('token').focus()")
    await cdp.send("Input.insertText", {"text": token}, session)
    await page.eval("document.querySelector('#login button').click()")
    await page.wait("s.connected && s.feed === 'live'", "the dashboard connected with its live feed")
    if token in await page.eval("location.href"):
        raise Failure("the admin token leaked into the page URL")
    if await page.eval("sessionStorage.getItem('relais.adminToken')") != token:
        raise Failure("the token is not kept in sessionStorage")

    # The live visit with its level, in the state and in the table.
    level = await page.wait(f"(s.visits.find(v => v.id === {json.dumps(visit)}) || {{}}).level !== undefined && "
                            f"s.visits.find(v => v.id === {json.dumps(visit)}).level !== 'unknown' && "
                            f"s.visits.find(v => v.id === {json.dumps(visit)}).level", "the visit's level", 25)
    shown = await page.eval(f"document.querySelector('tr[data-visit={json.dumps(visit)}] .badge')?.textContent")
    if shown != level:
        raise Failure(f"the table shows {shown!r} for a visit at {level!r}")
    facts["level"] = level
    facts["visits_listed"] = [v["id"] for v in (await page.state())["visits"]]

    # A visit created now reaches the page through the feed alone (the list is never re-fetched).
    late = f"{visit}-late"
    api(base, "POST", "/api/v1/visits", token, {"id": late, "participants": [{"role": "clinician"}]})
    await page.wait(f"s.visits.some(v => v.id === {json.dumps(late)}) && !!document.querySelector('tr[data-visit={json.dumps(late)}]')",
                    "a new visit pushed by the feed", 10)
    await page.wait("s.overview && s.overview.participants >= 2 && s.overview.mos && s.overview.mos.count > 0",
                    "the fleet overview with scored participants")

    # Select the visit: four charts drawn from /api/v1/visits/{id}/quality, with at least two windows each.
    await page.eval(f"document.querySelector('tr[data-visit={json.dumps(visit)}]').click()")
    charts = await page.wait(" && ".join(f"s.charts.{m}?.drawn" for m in METRICS) + " && s.series.points >= 2 && s.charts",
                             "the four charts with two windows", 30)
    facts["charts"] = charts
    ink = {m: await page.eval(f"({INK})('chart-{'loss' if m == 'lossPct' else m.replace('Ms', '')}')") for m in METRICS}
    if min(ink.values()) < 200:
        raise Failure(f"a chart canvas is (nearly) blank: {ink}")
    facts["ink"] = ink
    await asyncio.sleep(0.3)  # let the last frame paint
    await page.screenshot(os.path.join(artifacts, "dashboard.png"))
    facts["feed_events"] = (await page.state())["feedEvents"]

    errors = [text for level, text in cdp.console if level == "error"]
    if errors:
        raise Failure(f"console errors: {errors}")
    facts["console"] = [text for _, text in cdp.console]


async def main():
    base, token, visit, artifacts = sys.argv[1:5]
    os.makedirs(artifacts, exist_ok=True)
    for name in ("dashboard.png", "dashboard-failure.png"):  # an earlier run's picture must not pass for this one's
        if os.path.exists(os.path.join(artifacts, name)):
            os.remove(os.path.join(artifacts, name))
    profile = tempfile.mkdtemp(prefix="relais-chromium-dash-")
    process, endpoint = launch_browser(profile)
    facts = {"ok": False}
    started = time.monotonic()
    try:
        async with websockets.connect(endpoint, max_size=64 * 1024 * 1024) as ws:
            cdp = DashboardCDP(ws)
            try:
                await scenario(cdp, base, token, visit, artifacts, facts)
                facts["ok"] = True
            except (Failure, asyncio.TimeoutError, OSError) as error:
                facts["failure"] = str(error) or repr(error)
                page = facts.get("page")
                if page:
                    try:
                        facts["state"] = await page.state()
                        await page.screenshot(os.path.join(artifacts, "dashboard-failure.png"))
                    except Exception as inner:  # the page may be the thing that broke
                        facts["state"] = repr(inner)
                facts["console"] = [text for _, text in cdp.console][-40:]
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(profile, ignore_errors=True)
    facts.pop("page", None)
    facts["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(facts))
    sys.exit(0 if facts["ok"] else 1)


if __name__ == "__main__":
    asyncio.run(main())
