"""Interop check with the Python `websockets` library (a client nobody on the Relais team wrote).

Usage: ws_interop.py URL [--cafile PEM] [--compression on|off]
Prints one JSON object with what happened; exits 0 when every step behaved as RFC 6455 says it should.
"""
import argparse
import asyncio
import json
import ssl
import sys

import websockets


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--cafile")
    parser.add_argument("--compression", default="on", choices=["on", "off"])
    args = parser.parse_args()

    ctx = None
    if args.url.startswith("wss://"):
        ctx = ssl.create_default_context(cafile=args.cafile)
    compression = "deflate" if args.compression == "on" else None
    report = {"version": websockets.__version__}
    async with websockets.connect(args.url, ssl=ctx, compression=compression, max_size=2**20,
                                  open_timeout=5, close_timeout=5) as ws:
        extensions = [type(e).__name__ for e in ws.protocol.extensions]
        report["extensions"] = extensions
        # Text and binary echo, including non-ASCII text and a message large enough to be compressed.
        texts = ["hello", "κόσμε 🌍", "x" * 70000]
        for t in texts:
            await ws.send(t)
            got = await ws.recv()
            assert got == t, "text echo mismatch"
        payload = bytes(range(256)) * 100
        await ws.send(payload)
        got = await ws.recv()
        assert got == payload, "binary echo mismatch"
        # A fragmented message (the library fragments an iterable).
        await ws.send(["frag", "ment", "ed"])
        assert await ws.recv() == "fragmented"
        # Ping/pong round trip.
        pong = await ws.ping(b"rtt")
        latency = await asyncio.wait_for(pong, 5)
        report["ping_latency_s"] = latency
        await ws.close(code=1000, reason="done")
        report["close_code"] = ws.close_code
        report["close_reason"] = ws.close_reason
    report["ok"] = report["close_code"] == 1000 and (compression is None) == (extensions == [])
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
