#!/usr/bin/env python3
"""Draws bench/import-figures.csv (first import, no-op runs and the useradd floor against the number of users, both
axes logarithmic) as an SVG.

Usage: plot.py CSV SVG

CSV columns: users,first_s,noop_s,unchanged_s,floor_s,floor_import_s,source,unchanged_replay_s,batch_first_s; an empty
or missing field is a figure not measured at that size (it is left out of its line).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

series = [
    ("floor_s", "bare useradd floor (one useradd per account)", "#888888", "--", "s"),
    ("floor_import_s", "useradd with import_users' arguments", "#bbbbbb", ":", "s"),
    ("first_s", "first import", "#1f77b4", "-", "o"),
    ("batch_first_s", "first import, ACCOUNT_BACKEND=batch (prototype)", "#17becf", "-", "o"),
    ("noop_s", "no-op run, full (planning)", "#d62728", "-", "^"),
    ("unchanged_s", "no-op run, inputs unchanged (planning skipped)", "#2ca02c", "-", "v"),
    ("unchanged_replay_s", "the same, IAM answers replayed (import_users' own time)", "#9467bd", "", "D"),
]
rows = list(csv.DictReader(open(sys.argv[1])))
fig, ax = plt.subplots(figsize=(8, 6))
for key, label, color, style, marker in series:
    points = sorted((int(row["users"]), float(row[key])) for row in rows if row.get(key))
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], style, color=color, marker=marker, label=label)
        for x, y in points:
            text = f"{y:.0f} s" if y >= 100 else f"{y:.3g} s"
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(6, -3), fontsize=7, color=color)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("IAM users (= accounts created by the first import)")
ax.set_ylabel("wall time (s)")
ax.set_title("import_users against moto, in the sandbox (2 shared vCPUs); see bench/README.md")
ax.grid(True, which="both", alpha=0.3)
ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
fig.tight_layout()
fig.savefig(sys.argv[2], format="svg", metadata={"Date": None})
