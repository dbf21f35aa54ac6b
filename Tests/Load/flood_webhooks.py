#!/usr/bin/env python3
"""Floods a local `parley serve` with well-signed junk webhooks and samples its resident memory.

Issue 8 ("The wall holds") found 1,600 signed 3 MB junk webhooks raised resident memory to
0.9 GB, never given back. This replays that flood on loopback and prints the server's RSS
(from /proc) before, at its peak, and after the server went idle.

    python3 Tests/Load/flood_webhooks.py --url http://127.0.0.1:8080 --pid PID \
        --secret "$PARLEY_APP_SECRET" --count 1600 --size 3000000 --connections 32

Only loopback: the script refuses any other host. Standard library only.
"""
import argparse, hashlib, hmac, http.client, threading, time, urllib.parse, json

def rss_mib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * 4096 / (1 << 20)

def junk(kind, size):
    head = '{"object":"whatsapp_business_account","entry":[],"junk":'
    if kind == "string":
        return (head + '"' + "x" * (size - len(head) - 3) + '"}').encode()
    # Many small values: a parse builds a large tree from a small body.
    n = (size - len(head) - 3) // 4
    return (head + "[" + ",".join(["[0]"] * n) + "]}").encode()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--count", type=int, default=1600)
    p.add_argument("--size", type=int, default=3_000_000)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--kind", choices=["string", "array"], default="string")
    p.add_argument("--idle", type=float, default=15, help="seconds to watch memory after the flood")
    a = p.parse_args()
    url = urllib.parse.urlparse(a.url)
    assert url.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
    body = junk(a.kind, a.size)
    assert len(body) <= a.size + 8
    signature = "sha256=" + hmac.new(a.secret.encode(), body, hashlib.sha256).hexdigest()
    statuses, lock, peak = {}, threading.Lock(), [rss_mib(a.pid)]
    start_rss = peak[0]
    remaining = [a.count]

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                if remaining[0] == 0: return
                remaining[0] -= 1
            try:
                conn.request("POST", "/webhook", body, {"Content-Type": "application/json", "X-Hub-Signature-256": signature})
                r = conn.getresponse(); r.read(); code = r.status
            except Exception as e:
                code = type(e).__name__
                conn.close(); conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            with lock: statuses[code] = statuses.get(code, 0) + 1

    done = threading.Event()
    def sampler():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib(a.pid)); time.sleep(0.1)
    threading.Thread(target=sampler, daemon=True).start()
    t0 = time.time()
    threads = [threading.Thread(target=worker) for _ in range(a.connections)]
    for t in threads: t.start()
    for t in threads: t.join()
    flood = time.time() - t0
    after = rss_mib(a.pid)
    # Wait for the inbox to drain, then watch memory settle.
    health = None
    for _ in range(600):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request("GET", "/health"); health = json.loads(conn.getresponse().read())
        if health.get("inbox_backlog", 1) == 0: break
        time.sleep(0.5)
    drained = time.time() - t0
    time.sleep(a.idle)
    done.set()
    print(json.dumps({"kind": a.kind, "bodies": a.count, "body_bytes": len(body), "statuses": {str(k): v for k, v in statuses.items()},
                      "flood_seconds": round(flood, 1), "drained_after_seconds": round(drained, 1),
                      "rss_mib": {"start": round(start_rss), "peak": round(peak[0]), "end_of_flood": round(after),
                                  f"idle_{a.idle:g}s_after_drain": round(rss_mib(a.pid))}, "health": health}))

if __name__ == "__main__":
    main()
