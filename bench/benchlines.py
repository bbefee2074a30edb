"""Shared by the bench/*_summary.py scripts: reads benchmark JSON lines (one object per line, other
lines ignored), groups them by a key and tool, and takes medians."""
import json
import statistics


def group(path, key):
    """{key(d): {tool: [d, ...]}} for every JSON line d of the file."""
    rows = {}
    for line in open(path):
        line = line.strip()
        if line.startswith('{'):
            d = json.loads(line)
            rows.setdefault(key(d), {}).setdefault(d['tool'], []).append(d)
    return rows


def med(ds, k):
    """Median of field k over the lines that have it (nan when none does)."""
    v = [d[k] for d in ds if d.get(k) is not None]
    return statistics.median(v) if v else float('nan')
