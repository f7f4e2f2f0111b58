#!/usr/bin/env python3
"""Record a real getStats() sequence from headless Chromium (two loopback peer connections,
fake camera and microphone). Writes the replay fixture used by the RelaisQuality replay test.

Usage: scripts/record-getstats.py [out.json] [samples] [interval_ms]
Needs Debian's `chromium`. Serves record-getstats.html on 127.0.0.1 and collects POSTed samples.
"""
import http.server, json, os, subprocess, sys, threading, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    HERE, '..', 'Tests', 'RelaisQualityTests', 'Fixtures', 'chromium-replay.json')
SAMPLES = int(sys.argv[2]) if len(sys.argv) > 2 else 30
INTERVAL = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
samples, done = [], threading.Event()

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=HERE, **k)
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        if self.path == '/sample':
            samples.append(json.loads(body)); print('sample', len(samples), flush=True)
        elif self.path == '/error':
            print('page error:', body.decode(), flush=True); done.set()
        else:
            done.set()
        self.send_response(204); self.end_headers()

server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f'http://127.0.0.1:{server.server_address[1]}/record-getstats.html?samples={SAMPLES}&interval={INTERVAL}'
profile = tempfile.mkdtemp(prefix='relais-chromium-')
proc = subprocess.Popen(['chromium', '--headless', '--no-sandbox', '--disable-gpu',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required', f'--user-data-dir={profile}', url],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    done.wait(timeout=SAMPLES * INTERVAL / 1000 + 60)
finally:
    proc.terminate(); proc.wait(timeout=10); server.shutdown()
version = subprocess.run(['chromium', '--version'], capture_output=True, text=True).stdout.strip()
note = (f'Real RTCPeerConnection.getStats() output recorded by scripts/record-getstats.py from headless '
        f'{version}: fake camera 1280x720@30 and fake microphone, two peer connections in one page over '
        f'loopback, sampled every {INTERVAL} ms ({len(samples)} samples). sender = offering side, '
        f'receiver = answering side; each report is [...report.values()].')
with open(OUT, 'w') as f:
    json.dump({'_note': note, 'samples': samples}, f, separators=(',', ':'))
print('wrote', OUT, len(samples), 'samples')
sys.exit(0 if len(samples) == SAMPLES else 1)
