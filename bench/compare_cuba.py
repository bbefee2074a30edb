#!/usr/bin/python3
"""Side-by-side CUBA benchmark: snn4j against Brian2 on this machine, in one run.

For each N it runs, strictly one after another, `bin/snn4j bench cuba` and
../shared/peers/brian2_cuba.py (cython with a warm cache, and optionally
cpp_standalone), REPS times each, and measures every process from outside:
whole-process wall time and peak RSS (os.wait4). It writes the raw JSON lines
to bench/results/cuba.jsonl and prints a markdown table of medians and ratios.

Usage: /usr/bin/python3 bench/compare_cuba.py [--sizes 1000,4000,16000,64000]
       [--reps 3] [--duration 1] [--cpp] [--threads 0] [--cpu 1]
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(os.path.dirname(ROOT), 'shared', 'peers')


def run_measured(cmd, env=None):
    """Runs cmd, returning (json line, outside wall seconds, outside peak RSS MB) via os.wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f'command failed ({p.returncode}): {" ".join(cmd)}')
    line = [l for l in out.strip().splitlines() if l.startswith('{')][-1]
    return json.loads(line), wall, ru.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', default='1000,4000,16000,64000')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--duration', type=float, default=1.0)
    ap.add_argument('--threads', type=int, default=0, help='snn4j threads (0 = automatic)')
    ap.add_argument('--cpp', action='store_true', help='also Brian2 cpp_standalone')
    ap.add_argument('--cpu', default=None,
                    help='pin every process (snn4j and Brian2 alike) to these CPUs with taskset, e.g. 1: on this '
                         'VM one vCPU at times runs ~1.6x slower than the other (a pinned pure-Python loop shows '
                         'it too), which makes unpinned single-thread loop times bimodal')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results', 'cuba.jsonl'))
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    snn4j = os.path.join(ROOT, 'bin', 'snn4j')
    brian = os.path.join(PEERS, 'brian2_cuba.py')
    # build once, outside the measurements; then hold the build lock so that no build runs meanwhile
    subprocess.run([snn4j, 'list'], check=True, stdout=subprocess.DEVNULL)
    lock = open('/tmp/snn4j-build.lock', 'a')
    import fcntl
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.environ['SNN4J_NO_BUILD'] = '1'
    # prime Brian2's cython cache (warm-cache runs reuse it)
    subprocess.run(['/usr/bin/python3', brian, '--target', 'cython', '--N', '4000', '--duration', '0.01',
                    '--warm-cache'], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    for n in [int(x) for x in a.sizes.split(',')]:
        configs = [('snn4j', [snn4j, 'bench', 'cuba', '--neurons', str(n), '--duration', str(a.duration),
                              '--threads', str(a.threads)]),
                   ('brian2-cython-warm', ['/usr/bin/python3', brian, '--target', 'cython', '--N', str(n),
                                           '--duration', str(a.duration), '--warm-cache'])]
        if a.cpp:
            configs.append(('brian2-cpp', ['/usr/bin/python3', brian, '--target', 'cpp_standalone', '--N', str(n),
                                           '--duration', str(a.duration)]))
        for rep in range(a.reps):
            for name, cmd in configs:   # interleaved, so that drifts hit every tool alike
                line, wall, rss = run_measured((['taskset', '-c', a.cpu] if a.cpu else []) + cmd)
                rec = dict(config=name, N=n, rep=rep, outside_wall_s=round(wall, 3), outside_peak_rss_mb=round(rss, 1),
                           measured_at=stamp, line=line)
                rows.append(rec)
                with open(a.out, 'a') as f:
                    f.write(json.dumps(rec) + '\n')
                print(f'[{time.strftime("%H:%M:%S")}] N={n} {name} rep {rep}: run_s={line.get("run_s")} '
                      f'wall={wall:.3f}s rss={rss:.0f}MB spikes={line.get("spikes")}', file=sys.stderr)
    # summary
    def med(n, name, key):
        vals = [r['line'][key] if key in r['line'] else r[key] for r in rows if r['N'] == n and r['config'] == name]
        return statistics.median(vals) if vals else None
    names = sorted({r['config'] for r in rows}, key=lambda s: (s != 'snn4j', s))
    print(f'\nCUBA, {a.duration} s simulated, median of {a.reps} (measured {stamp})\n')
    print('| N | synapses | tool | loop run_s | whole process (s) | peak RSS (MB) | rate (Hz) | snn4j bytes/synapse |')
    print('|---:|---:|---|---:|---:|---:|---:|---:|')
    for n in sorted({r['N'] for r in rows}):
        for name in names:
            print(f'| {n} | {med(n, name, "synapses")} | {name} | {med(n, name, "run_s"):.4f} | '
                  f'{med(n, name, "outside_wall_s"):.3f} | {med(n, name, "outside_peak_rss_mb"):.0f} | '
                  f'{med(n, name, "rate_hz"):.2f} | '
                  f'{med(n, name, "bytes_per_synapse") if name == "snn4j" else "":{".2f" if name == "snn4j" else ""}} |')
    print('\n| N | loop: snn4j / brian2 cython | whole process: snn4j / brian2 cython' +
          (' | loop: snn4j / brian2 cpp_standalone | whole process: snn4j / brian2 cpp' if a.cpp else '') +
          ' | snn4j ns per (neuron-step + synaptic event) |')
    print('|---:|---:|---:|' + ('---:|---:|' if a.cpp else '') + '---:|')
    for n in sorted({r['N'] for r in rows}):
        s_run, s_wall = med(n, 'snn4j', 'run_s'), med(n, 'snn4j', 'outside_wall_s')
        c_run, c_wall = med(n, 'brian2-cython-warm', 'run_s'), med(n, 'brian2-cython-warm', 'outside_wall_s')
        work = n * a.duration / 1e-4 + med(n, 'snn4j', 'spikes') * med(n, 'snn4j', 'synapses') / n
        cells = [f'{s_run / c_run:.3f}', f'{s_wall / c_wall:.3f}']
        if a.cpp:
            p_run, p_wall = med(n, 'brian2-cpp', 'run_s'), med(n, 'brian2-cpp', 'outside_wall_s')
            cells += [f'{s_run / p_run:.3f}', f'{s_wall / p_wall:.3f}']
        print(f'| {n} | ' + ' | '.join(cells) + f' | {s_run / work * 1e9:.2f} |')


if __name__ == '__main__':
    main()
