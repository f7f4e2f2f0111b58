"""Sends one invalid frame with raw sockets and prints the close code Relais answers with.

Usage: ws_violation.py PORT KIND   (KIND: bad_utf8 | unmasked | reserved_opcode | big_ping | bad_close_code)
"""
import base64
import os
import socket
import struct
import sys


def frame(opcode, payload, fin=True, mask=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    key = os.urandom(4)
    n = len(payload)
    mbit = 0x80 if mask else 0
    if n < 126:
        head += bytes([mbit | n])
    elif n < 65536:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def main():
    port, kind = int(sys.argv[1]), sys.argv[2]
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /v1/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    data = data.split(b"\r\n\r\n", 1)[1]
    bad = {
        "bad_utf8": frame(1, b"\xc0\xaf"),
        "unmasked": frame(1, b"hi", mask=False),
        "reserved_opcode": frame(3, b""),
        "big_ping": frame(9, b"x" * 126),
        "bad_close_code": frame(8, struct.pack("!H", 1005)),
    }[kind]
    s.sendall(bad)
    while len(data) < 4:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    assert data[0] == 0x88, f"expected a close frame, got {data[:4]!r}"
    print(struct.unpack("!H", data[2:4])[0])


if __name__ == "__main__":
    main()
