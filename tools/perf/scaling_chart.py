#!/usr/bin/env python3
"""Draws BM_Query's scaling (index vs scan, CPU time per query against the
number of trusts, both axes logarithmic) as an SVG, from Google Benchmark's
JSON output. Standard library only.

usage: trustcheck_bench --benchmark_filter=BM_Query --benchmark_repetitions=3 \\
         --benchmark_out=query.json --benchmark_out_format=json
       tools/perf/scaling_chart.py query.json docs/images/query-scaling.svg
"""
import json
import math
import sys

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 80, 150, 40, 60
COLORS = {"scan": "#c0392b", "index": "#2471a3"}
UNIT_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def points(benchmarks):
    """{strategy: [(n, cpu microseconds)]} from the median rows (or the plain rows without repetitions)."""
    rows = [b for b in benchmarks if b.get("aggregate_name") == "median"] or \
           [b for b in benchmarks if b.get("run_type", "iteration") == "iteration"]
    out = {}
    for b in rows:
        parts = b["run_name"].split("/")
        if parts[0] != "BM_Query":
            continue
        out.setdefault(parts[1], []).append((int(parts[2]), b["cpu_time"] * UNIT_US[b["time_unit"]]))
    return {k: sorted(v) for k, v in out.items()}


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source) as f:
        data = json.load(f)
    series = points(data["benchmarks"])
    xs = [n for s in series.values() for n, _ in s]
    ys = [t for s in series.values() for _, t in s]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(n):
        return LEFT + (math.log10(n) - x0) / (x1 - x0) * plot_w

    def py(t):
        return TOP + plot_h - (math.log10(t) - y0) / (y1 - y0) * plot_h

    def time_label(us):
        for unit, scale in (("s", 1e6), ("ms", 1e3), ("µs", 1.0), ("ns", 1e-3)):
            if us >= scale:
                return f"{us / scale:g} {unit}"
        return f"{us:g} µs"

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="14">Which trusts accept one token: CPU time per query</text>']
    for e in range(x0, x1 + 1):
        x = px(10 ** e)
        svg.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#ddd"/>')
        svg.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        svg.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{time_label(10 ** e)}</text>')
    svg.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">trusts (log scale)</text>')
    svg.append(f'<text x="18" y="{TOP + plot_h / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {TOP + plot_h / 2})">CPU time per query (log scale)</text>')
    for i, (name, pts) in enumerate(sorted(series.items(), key=lambda kv: kv[0] != "scan")):
        color = COLORS.get(name, "#555")
        path = " ".join(f"{px(n):.1f},{py(t):.1f}" for n, t in pts)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for n, t in pts:
            svg.append(f'<circle cx="{px(n):.1f}" cy="{py(t):.1f}" r="3.5" fill="{color}"/>')
        ly = TOP + 20 + 22 * i
        svg.append(f'<line x1="{LEFT + plot_w + 15}" y1="{ly}" x2="{LEFT + plot_w + 40}" y2="{ly}" '
                   f'stroke="{color}" stroke-width="2"/>')
        svg.append(f'<text x="{LEFT + plot_w + 46}" y="{ly + 4}">{name}</text>')
    if "scan" in series and "index" in series:
        scan, index = dict(series["scan"]), dict(series["index"])
        ly = TOP + 80
        svg.append(f'<text x="{LEFT + plot_w + 15}" y="{ly}">scan / index:</text>')
        for j, n in enumerate(sorted(set(scan) & set(index))):
            svg.append(f'<text x="{LEFT + plot_w + 15}" y="{ly + 18 * (j + 1)}">{n:,}: {scan[n] / index[n]:,.0f}x</text>')
    svg.append("</svg>")
    with open(target, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
