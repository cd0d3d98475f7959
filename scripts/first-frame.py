#!/usr/bin/env python3
"""Process start to the first frame drawn, for `scripts/bench.sh` (issue 16).

Runs the command given N times in a fresh 120x40 pseudo-terminal and times each run from
just before the fork to the moment the bottom row of the first frame (the footer, which
ratatui draws last) has reached the terminal; then ends the TUI with SIGTERM, as a closed
window would. Prints the median and the 99th percentile (nearest rank).

Usage: first-frame.py N MARKER COMMAND [ARGS...]
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def one(marker: bytes, argv: list[str]) -> float:
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execvp(argv[0], argv)
    seen = b""
    elapsed = None
    deadline = start + 10
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if marker in seen:
            elapsed = time.perf_counter() - start
            break
    os.kill(pid, signal.SIGTERM)
    # Drain until the child has gone, so its terminal restore cannot block on a full pty.
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.exit(f"no first frame with {marker!r} within 10 s; output: {seen[-500:]!r}")
    return elapsed * 1000


def main() -> None:
    n = int(sys.argv[1])
    marker = sys.argv[2].encode()
    argv = sys.argv[3:]
    times = sorted(one(marker, argv) for _ in range(n))
    median = times[(len(times) + 1) // 2 - 1]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99 + 0.999) - 1)]
    print(f"median {median:.1f} ms, p99 {p99:.1f} ms ({n} runs)")


if __name__ == "__main__":
    main()
