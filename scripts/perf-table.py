#!/usr/bin/env python3
"""The README's performance table from one scripts/bench-peers run.

  perf-table.py RESULTS_JSON RELAIS_BENCH_JSONL REV > perf-table.md
      RESULTS_JSON: the harness's results.json (report.py: env + per-pass summary, least-noisy attempt of each test)
      RELAIS_BENCH_JSONL: one `relais bench` JSON line per scenario, each with a "label"
  perf-table.py --splice README.md perf-table.md
      replaces the lines between <!-- perf-table:begin --> and <!-- perf-table:end --> with the table.

Every figure comes from the files given: nothing is typed in by hand. Values of several passes are shown as a
range (min–max), because the machine is shared and noisy and a single figure would hide that.
"""
import json
import sys

BEGIN, END = "<!-- perf-table:begin -->", "<!-- perf-table:end -->"


def splice(readme_path, table_path):
    text, table = open(readme_path).read(), open(table_path).read().rstrip("\n")
    if BEGIN not in text or END not in text:
        sys.exit(f"{readme_path}: no {BEGIN} … {END} block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    open(readme_path, "w").write(f"{head}{BEGIN}\n{table}\n{END}{tail}")


def span(values, fmt):
    """min–max of the passes' values, formatted; "–" when no pass has it."""
    vs = [v for v in values if v is not None]
    if not vs:
        return "–"
    lo, hi = fmt(min(vs)), fmt(max(vs))
    return lo if lo == hi else f"{lo}–{hi}"


def k(v):
    return f"{v / 1000:.1f}k" if v >= 10000 else f"{v:,.0f}"


def f1(v):
    return f"{v:.1f}"


def f0(v):
    return f"{v:,.0f}"


def ms(v):
    return f"{v / 1000:.2f}"


def per_msg_us(m, test):
    """server CPU µs per message = (server CPU % / 100) / messages per second."""
    cpu, rate = m.get(f"{test}_server_cpu_pct"), m.get(f"{test}_delivered_per_s" if test != "echo" else "echo_msgs_per_s")
    return cpu / 100 / rate * 1e6 if cpu is not None and rate else None


def main(results_path, bench_path, rev):
    results = json.load(open(results_path))
    env, summary = results["env"], results["summary"]
    bench = {}
    for line in open(bench_path):
        if line.strip().startswith("{"):
            d = json.loads(line)
            bench[d["label"]] = d
    passes = sorted(summary)
    peers = list(dict.fromkeys(p for ps in passes for p in summary[ps]))
    col = lambda peer, key: [summary[ps].get(peer, {}).get(key) for ps in passes]
    colf = lambda peer, fn: [fn(summary[ps][peer]) if peer in summary[ps] else None for ps in passes]

    print(f"Run {env['date']} on {env['cpu']}, {env['nproc']} cores, Linux {env['kernel']}; Relais {rev} (release, one "
          f"event loop); server pinned to CPU {env['server_cpu']}, load generator to CPU {env['client_cpu']}; "
          f"{len(passes)} pass(es), ranges are min–max over passes; background load before the run "
          f"{env['background_cpu_pct_before']}% of a core. Produced by `scripts/bench-peers`.\n")
    print(f"**Same generator for everyone** (`wsload` of ../shared/bench-peers; Relais through its real protocol with "
          f"`-proto relais`, the peers as plain forwarders): echo {env['echo_c']} connections × {env['echo_w']} in "
          f"flight, {env['size']} B; relay {env['relay_pairs']} pairs, max speed ({env['relay_w']} in flight) and "
          f"{env['relay_rate']:,} msg/s in total; {env['conn_n']:,} idle connections.\n")
    at = f"relay @{env['relay_rate'] // 1000}k" if env["relay_rate"] >= 1000 else f"relay @{env['relay_rate']}"
    print(f"| server | echo msg/s | echo CPU µs/msg | relay max msg/s | {at}: server CPU % | {at}: CPU µs/msg "
          f"| {at} one-way p50 / p99 ms | KiB / idle conn | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for peer in peers:
        errs = sum(sum(v or 0 for v in col(peer, key)) for key in
                   ("echo_errors", "relay_max_errors", "relay_rate_errors", "connections_errors", "relay_max_lost",
                    "relay_rate_lost"))
        name = f"**{peer}**" if peer == "relais" else peer
        print("| " + " | ".join([
            name,
            span(col(peer, "echo_msgs_per_s"), k),
            span(colf(peer, lambda m: per_msg_us(m, "echo")), f1),
            span(col(peer, "relay_max_delivered_per_s"), k),
            span(col(peer, "relay_rate_server_cpu_pct"), f0),
            span(colf(peer, lambda m: per_msg_us(m, "relay_rate")), f1),
            span(col(peer, "relay_rate_p50_us"), ms) + " / " + span(col(peer, "relay_rate_p99_us"), ms),
            span(colf(peer, lambda m: m.get("conn_bytes_per_conn") / 1024 if m.get("conn_bytes_per_conn") else None), f1),
            str(int(errs)),
        ]) + " |")
    print()

    rel = lambda key: [summary[ps].get("relais", {}).get(key) for ps in passes]
    b = lambda label, key: bench.get(label, {}).get(key)
    print("**Both generators against Relais** (same run, same pinning, a fresh Relais per `relais bench` scenario; "
          "same messages: 256 B `candidate`s without `rid`, a window of 4 per sender paced by deliveries at max speed). "
          "wsload is multi-threaded Go; `relais bench` is one event loop: the last column says when it is the "
          "bottleneck.\n")
    print("| scenario | wsload | relais bench | generator CPU (relais bench, % of its core) |")
    print("|---|---|---|---|")
    gen = lambda label: "–" if b(label, "generator_cpu_pct_per_loop") is None else \
        f"{b(label, 'generator_cpu_pct_per_loop'):.0f}%" + (" (saturated)" if b(label, "generator_saturated") == "yes" else "")
    one = lambda v, fmt: "–" if v is None else fmt(v)
    rows = [
        ("echo msg/s", span(rel("echo_msgs_per_s"), k), one(b("echo", "msg_per_s"), k), gen("echo")),
        ("echo server CPU µs/msg", span([per_msg_us(summary[ps]["relais"], "echo") for ps in passes if "relais" in summary[ps]], f1),
         one(b("echo", "server_cpu_us_per_msg"), f1), ""),
        ("relay max msg/s", span(rel("relay_max_delivered_per_s"), k), one(b("relay-max", "msg_per_s"), k), gen("relay-max")),
        (f"{at} server CPU %", span(rel("relay_rate_server_cpu_pct"), f0), one(b("relay-rate", "server_cpu_pct"), f0), gen("relay-rate")),
        (f"{at} one-way p50 / p99 ms", span(rel("relay_rate_p50_us"), ms) + " / " + span(rel("relay_rate_p99_us"), ms),
         one(b("relay-rate", "latency_p50_us"), ms) + " / " + one(b("relay-rate", "latency_p99_us"), ms), ""),
        ("KiB / idle connection (joined for wsload, bare echo for relais bench)",
         span([(summary[ps].get("relais", {}).get("conn_bytes_per_conn") or 0) / 1024 or None for ps in passes], f1),
         one(b("connections", "server_kib_per_connection"), f1), ""),
    ]
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()

    print("**Relais only** (`relais bench`, same run):\n")
    print("| scenario | rate | server CPU per unit | latency p50 / p99 ms | lost / errors |")
    print("|---|---|---|---|---|")
    only = [
        ("echo over TLS (vs plain echo above)", "echo-tls", "msg_per_s", "server_cpu_us_per_msg", "msg"),
        ("handshakes, TCP + WebSocket upgrade", "handshakes", "handshake_per_s", "server_cpu_us_per_handshake", "handshake"),
        ("handshakes, TLS 1.3 + WebSocket upgrade", "handshakes-tls", "handshake_per_s", "server_cpu_us_per_handshake", "handshake"),
        (f"quality reports, {bench.get('stats', {}).get('participants', 0):,.0f} participants every 2 s", "stats",
         "report_per_s", "server_cpu_us_per_report", "report"),
        ("whole visits (join, lobby, admit, consent, offer/answer, 10 candidates, stats, leave), 32 in flight", "visit",
         "visit_per_s", "server_cpu_us_per_visit", "visit"),
    ]
    for title, label, rate, cpu, unit in only:
        d = bench.get(label)
        if not d:
            continue
        sat = " (generator saturated)" if d.get("generator_saturated") == "yes" else ""
        latency = f"{ms(d['latency_p50_us'])} / {ms(d['latency_p99_us'])}" if d.get("latency_p50_us") else "–"
        print(f"| {title} | {k(d[rate])}/s{sat} | {one(d.get(cpu), f1)} µs/{unit} | {latency} | "
              f"{d['lost']:.0f} / {d['errors']:.0f} |")


if __name__ == "__main__":
    if sys.argv[1] == "--splice":
        splice(sys.argv[2], sys.argv[3])
    else:
        main(*sys.argv[1:4])
