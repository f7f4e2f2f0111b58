"""A real WebRTC call between two aiortc peers, negotiated through Relais.

Usage: webrtc_call.py WS_URL CLINICIAN_TOKEN PATIENT_TOKEN
The patient joins the lobby and consents, the clinician admits, the patient (the newcomer) offers with an audio
track and a data channel, the clinician answers; ICE candidates are also trickled as `candidate` messages with
an end-of-candidates `null`. Prints one JSON line; exit 0 when both peer connections reached `connected`, audio
frames arrived and a data-channel message crossed.
"""
import asyncio
import json
import sys

import websockets
from aiortc import RTCIceCandidate, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack
from aiortc.sdp import candidate_from_sdp


async def recv_type(ws, wanted, timeout=10):
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if msg["type"] == wanted:
            return msg


def local_candidates(pc):
    """Candidate lines from the local description, as RTCIceCandidateInit objects."""
    out = []
    mline = -1
    mid = None
    for line in pc.localDescription.sdp.splitlines():
        if line.startswith("m="):
            mline += 1
            mid = None
        elif line.startswith("a=mid:"):
            mid = line[6:]
        elif line.startswith("a=candidate:"):
            out.append({"candidate": line[2:], "sdpMid": mid, "sdpMLineIndex": mline})
    return out


async def main():
    url, doc_token, pat_token = sys.argv[1:4]
    result = {"doc_state": None, "pat_state": None, "audio_frames": 0, "datachannel": None, "candidates_relayed": 0}
    doc_ws = await websockets.connect(url)
    await doc_ws.send(json.dumps({"type": "join", "token": doc_token}))
    await recv_type(doc_ws, "joined")
    pat_ws = await websockets.connect(url)
    await pat_ws.send(json.dumps({"type": "join", "token": pat_token}))
    await recv_type(pat_ws, "lobby")
    await pat_ws.send(json.dumps({"type": "consent", "granted": True, "version": "1"}))
    await recv_type(doc_ws, "lobby-waiting")
    await doc_ws.send(json.dumps({"type": "admit", "participant": "pat"}))
    admitted = await recv_type(pat_ws, "admitted")
    assert [p["id"] for p in admitted["participants"]] == ["doc"]

    doc_pc, pat_pc = RTCPeerConnection(), RTCPeerConnection()
    got_frames = asyncio.Event()
    got_message = asyncio.Event()

    @doc_pc.on("track")
    def on_track(track):
        async def pull():
            for _ in range(10):
                await track.recv()
                result["audio_frames"] += 1
            got_frames.set()
        asyncio.ensure_future(pull())

    @doc_pc.on("datachannel")
    def on_datachannel(channel):
        @channel.on("message")
        def on_message(message):
            result["datachannel"] = message
            got_message.set()

    pat_pc.addTrack(AudioStreamTrack())
    channel = pat_pc.createDataChannel("chat")

    @channel.on("open")
    def on_open():
        channel.send("hello through relais")

    # Patient offers (it is the newcomer), with its candidates trickled as separate messages too.
    await pat_pc.setLocalDescription(await pat_pc.createOffer())
    await pat_ws.send(json.dumps({"type": "offer", "to": "doc", "sdp": pat_pc.localDescription.sdp}))
    for c in local_candidates(pat_pc):
        await pat_ws.send(json.dumps({"type": "candidate", "to": "doc", "candidate": c}))
    await pat_ws.send(json.dumps({"type": "candidate", "to": "doc", "candidate": None}))

    offer = await recv_type(doc_ws, "offer")
    assert offer["from"] == "pat"
    await doc_pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
    while True:
        msg = await recv_type(doc_ws, "candidate")
        if msg["candidate"] is None:
            break
        init = msg["candidate"]
        cand = candidate_from_sdp(init["candidate"].split(":", 1)[1])
        cand.sdpMid, cand.sdpMLineIndex = init["sdpMid"], init["sdpMLineIndex"]
        await doc_pc.addIceCandidate(cand)
        result["candidates_relayed"] += 1
    await doc_pc.setLocalDescription(await doc_pc.createAnswer())
    await doc_ws.send(json.dumps({"type": "answer", "to": "pat", "sdp": doc_pc.localDescription.sdp}))
    answer = await recv_type(pat_ws, "answer")
    await pat_pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

    for _ in range(100):
        if doc_pc.connectionState == "connected" and pat_pc.connectionState == "connected":
            break
        await asyncio.sleep(0.1)
    await asyncio.wait_for(asyncio.gather(got_frames.wait(), got_message.wait()), 15)
    result["doc_state"], result["pat_state"] = doc_pc.connectionState, pat_pc.connectionState
    await doc_pc.close()
    await pat_pc.close()
    await doc_ws.send(json.dumps({"type": "end"}))
    await doc_ws.close()
    await pat_ws.close()
    result["ok"] = (result["doc_state"] == "connected" and result["pat_state"] == "connected"
                    and result["audio_frames"] >= 10 and result["datachannel"] == "hello through relais")
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
