#!/usr/bin/env python3
"""Memory and latency of the largest accepted table artifact (issue #11).

Starts upload-server (the binary given), makes a table of MAX_ARTIFACT_CELLS
cells (2,000,000: 200,000 rows x 10), then:
 1. POSTs it once and reads the server's peak RSS (VmHWM) against its idle
    RSS: goal, what the request adds is at most 3x the JSON size;
 2. POSTs it three times at once while GET /healthz is timed every 10 ms:
    goal, p99 under 50 ms.
Prints the figures; exits non-zero if a request fails.
Usage: bench/server/artifacts.py target/release/upload-server
"""
import http.client, json, os, socket, subprocess, sys, tempfile, threading, time

binary = sys.argv[1]
rows, cols = 200_000, 10
row = '["s0123456789",123456.789,"t0123456789",true,42,"u0123456789",null,"v0123456789",0.5,"w0123456789"]'
body = ('{"type":"table","data":{"title":"Largest","headers":[%s],"rows":[%s]}}' % (
    ",".join('"c%d"' % i for i in range(cols)), ",".join([row] * rows))).encode()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def rss_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1])

d = tempfile.mkdtemp()
port = free_port()
env = dict(os.environ, BIND=f"127.0.0.1:{port}", DATA_DIR=d, AUTH_SECRET="bench-secret-value-x",
           STATIC_DIR="/nonexistent", RATE_LIMIT_PER_MINUTE="0")
server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/readyz")
            if c.getresponse().status == 200: break
        except OSError: pass
        time.sleep(0.1)
    token = subprocess.check_output([binary, "token", "--user", "bench"], env=env).decode().strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        c.request("POST", "/api/artifacts", body, headers)
        r = c.getresponse(); data = r.read()
        if r.status != 201:
            raise SystemExit(f"POST /api/artifacts: {r.status} {data[:200]!r}")

    idle = rss_kib(server.pid, "VmRSS")
    t = time.time(); post(); one = time.time() - t
    peak = rss_kib(server.pid, "VmHWM")
    json_mib = len(body) / 2**20
    added = (peak - idle) / 1024
    print(f"table: {rows:,} rows x {cols} = {rows*cols:,} cells, {len(body):,} bytes of JSON ({json_mib:.1f} MiB)")
    print(f"one request: {one:.2f} s; server RSS idle {idle/1024:.1f} MiB, peak {peak/1024:.1f} MiB;"
          f" added {added:.1f} MiB = {added/json_mib:.2f}x the JSON (goal <= 3x)")

    latencies, stop = [], threading.Event()
    def probe():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            t = time.perf_counter(); c.request("GET", "/healthz"); c.getresponse().read()
            latencies.append(time.perf_counter() - t); time.sleep(0.01)
    p = threading.Thread(target=probe); p.start()
    t = time.time()
    posts = [threading.Thread(target=post) for _ in range(3)]
    for x in posts: x.start()
    for x in posts: x.join()
    three = time.time() - t
    stop.set(); p.join()
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000
    print(f"three at once: {three:.2f} s; /healthz meanwhile: {len(latencies)} probes, p50 {q(0.5):.1f} ms,"
          f" p99 {q(0.99):.1f} ms, max {latencies[-1]*1000:.1f} ms (goal p99 < 50 ms);"
          f" peak RSS {rss_kib(server.pid, 'VmHWM')/1024:.1f} MiB")
finally:
    server.kill(); server.wait()
