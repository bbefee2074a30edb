#!/usr/bin/python3
"""Independent PyTorch forward pass of a NIR graph: the reference that snn4j's NIR import
(issue 13) is checked against, spike count by spike count.

Nothing here comes from snn4j: the graph is read with the NIR reference package
(../shared/peers/nir_ref, `nir.read(path, type_check=False)`, as the 2023 files need) and every
node is rebuilt from its NIR parameters with plain torch operations.

Two jobs
--------
1. Make an input (deterministic random events):
     /usr/bin/python3 bench/nir_ref_torch.py --make-input /tmp/nir_cnn_input.npy \
         --shape 2,34,34 --steps 100 --batch 16 --rate 0.05 --seed 1
   writes a float32 array of shape [T, B, *shape] holding 0/1:
     u = numpy.random.default_rng(seed).random((T, B, *shape))   # float64 in [0, 1), C order
     x = (u < rate).astype(float32)                               # Bernoulli(rate) per element, per step
   The same (seed, shape, T, B, rate) always gives the same file.

2. Run a graph on it:
     PYTHONPATH=../shared/peers/nir_ref /usr/bin/python3 bench/nir_ref_torch.py \
         --graph ../shared/nir/02_cnn/cnn_sinabs.nir --input /tmp/nir_cnn_input.npy --dt 1 \
         [--threads 2] [--reps 1] [--mode step|layer] [--accum f32|f64] [--json OUT]
   prints ONE JSON line (also written to --json OUT):
     spike_counts   {node: total output spikes over time, batch and units} for IF, LIF, Threshold
     sums           {node: sum of its output over time, batch and units} for every other node
                    (Input, Conv, pooling, Affine, ..., LI, and Output = sum of what reaches it)
     output_per_sample  [B][n_out]: per sample, the Output node's input summed over time
     time_s (median of the --reps timed runs, after one warm-up run that is not counted),
     times_s, warmup_s, samples_per_s = B / time_s, threads (torch.set_num_threads), and the setup.

Semantics (the definitions snn4j's NirNetwork implements; float32 throughout unless --accum f64)
---------
Per time step t the nodes are evaluated in a topological order of the edges from Input. A node's
input x_t is the SUM of the outputs at step t of every node with an edge into it, added in the
order the edges appear in the file. An edge that closes a cycle (found by a depth-first walk from
the Input nodes following edges in file order) carries its source's output of step t-1 (zero at
t = 0). Input's output at step t is frame t of the input, shape [B, *shape]. State starts fresh
for every run.
  Affine     y = x @ W.T + b                       (W is [out, in]; torch.nn.functional.linear)
  Linear     y = x @ W.T
  Scale      y = s * x
  Threshold  y = (x > theta) as float
  Flatten    torch.flatten over the non-batch dims start_dim..end_dim (the file's dims count from
             the first non-batch dim: start_dim 0 is the dim after the batch)
  Conv1d/2d  torch.nn.functional.conv1d/conv2d(x, W, b, stride, padding, dilation, groups)
             (cross-correlation, zero padding)
  SumPool2d  zero-pad, then the EXACT window sum by slices, added in kernel row-major order:
               acc = 0; for i in range(kH): for j in range(kW): acc = acc + xp[..., i::sH, j::sW]
             (not avg_pool2d * kH*kW: that divides and multiplies back; equal for spike inputs)
  AvgPool2d  the same sum / (kH*kW), i.e. count_include_pad=True
  IF         v' = v + rdt * x     with rdt = (r * dt) precomputed as a float32 tensor
             z  = (v' > v_threshold);  v = where(z, v_reset, v');  output z;  v starts at 0
  I          v  = v + rdt * x; output v; v starts at 0
  LIF        beta = float32(exp(-dt / tau))  (exp evaluated in float64, then rounded to float32)
             c    = (1 - beta) * r            (in float32, from the float32 beta)
             v'   = (v_leak + beta * (v - v_leak)) + c * x      (float32, in this order)
             z = v' > v_threshold; v = where(z, v_reset, v'); output z; v starts at v_leak
  LI         v = (v_leak + beta * (v - v_leak)) + c * x, output v, v starts at v_leak
Parameters are cast to float32 and broadcast against [B, *unit_shape]; a flat parameter with as
many elements as the node has units is reshaped to the unit shape. v_reset absent -> 0.
Not handled (an error says so): Delay, CubaLI, CubaLIF, nested NIRGraph.

Options beyond the brief
------------------------
--accum f64  computes Conv/Affine/Linear in float64 and rounds the result to float32 once. The
             dot products are then (almost always) the correctly rounded values, independent of the
             summation order, so an implementation accumulating in double matches bit for bit;
             with f32 (default) the result depends on the order oneDNN/BLAS add the terms, and a
             neuron within an ulp of threshold may spike in one and not the other. Measured on
             cnn_sinabs.nir with the seed-1 input below: 1/3 of the IF pre-reset potentials differ
             by an ulp or a few between f32 and f64, 30 lie within 1e-5 of the threshold (closest
             1.2e-7), yet the spike counts of every layer are the same in f32, f64, step and layer.
--mode layer evaluates an acyclic graph layer by layer over all T steps at once (stateless nodes
             see [T*B, ...] in one call, neurons scan over time): how Sinabs runs, and the faster
             torch layout. Same maths; the default `step` is the literal per-step definition.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np


SPIKING = ('IF', 'LIF', 'Threshold')


def make_input(args):
    shape = tuple(int(s) for s in args.shape.split(','))
    rng = np.random.default_rng(args.seed)
    u = rng.random((args.steps, args.batch) + shape)
    x = (u < args.rate).astype(np.float32)
    np.save(args.make_input, x)
    print(json.dumps({'input': args.make_input, 'shape': list(x.shape), 'rate': args.rate,
                      'seed': args.seed, 'ones': int(x.sum()), 'mean': float(x.mean())}))


# ----------------------------------------------------------------------------------------- graph

def _tuple(v, n):
    a = np.asarray(v).reshape(-1).astype(np.int64).tolist()
    if len(a) == 1:
        a = a * n
    if len(a) != n:
        raise SystemExit('nir_ref_torch: expected %d values, got %r' % (n, v))
    return tuple(int(i) for i in a)


def _f32(torch, a):
    return torch.as_tensor(np.asarray(a, dtype=np.float32))


class Node:
    """One NIR node as torch code: step(x) for one time step, run_seq(x[T*B,...]) for layer mode."""

    def __init__(self, name, nir_node, torch, dt, accum):
        self.name = name
        self.kind = type(nir_node).__name__
        self.torch = torch
        self.F = torch.nn.functional
        self.accum = accum
        self.state = None
        n = nir_node
        k = self.kind
        self.stateful = k in ('IF', 'LIF', 'LI', 'I')
        if k in ('Input', 'Output'):
            pass
        elif k in ('Affine', 'Linear'):
            self.w = _f32(torch, n.weight)
            self.b = _f32(torch, n.bias) if k == 'Affine' else None
            self.w64 = self.w.double()
            self.b64 = self.b.double() if self.b is not None else None
        elif k == 'Scale':
            self.s = _f32(torch, n.scale)
        elif k == 'Threshold':
            self.theta = _f32(torch, n.threshold)
        elif k == 'Flatten':
            self.start = int(np.asarray(n.start_dim).reshape(-1)[0])
            self.end = int(np.asarray(n.end_dim).reshape(-1)[0])
        elif k in ('Conv1d', 'Conv2d'):
            nd = 1 if k == 'Conv1d' else 2
            self.w = _f32(torch, n.weight)
            self.b = _f32(torch, n.bias)
            if isinstance(n.padding, str):
                self.padding = n.padding
            else:
                self.padding = _tuple(n.padding, nd)
            self.stride = _tuple(n.stride, nd)
            self.dilation = _tuple(n.dilation, nd)
            self.groups = int(np.asarray(n.groups).reshape(-1)[0])
            self.w64 = self.w.double()
            self.b64 = self.b.double()
            self.conv = self.F.conv1d if nd == 1 else self.F.conv2d
        elif k in ('SumPool2d', 'AvgPool2d'):
            self.k = _tuple(n.kernel_size, 2)
            self.s = _tuple(n.stride, 2)
            self.p = _tuple(n.padding, 2)
        elif k in ('IF', 'I'):
            self.rdt = _f32(torch, n.r) * np.float32(dt)  # float32 tensor r*dt
            if k == 'IF':
                self.vth = _f32(torch, n.v_threshold)
                vr = n.v_reset if getattr(n, 'v_reset', None) is not None else np.zeros_like(n.v_threshold)
                self.vreset = _f32(torch, vr)
        elif k in ('LIF', 'LI'):
            beta64 = np.exp(-float(dt) / np.asarray(n.tau, dtype=np.float64))
            self.beta = _f32(torch, beta64)
            self.c = (1 - self.beta) * _f32(torch, n.r)
            self.vleak = _f32(torch, n.v_leak)
            if k == 'LIF':
                self.vth = _f32(torch, n.v_threshold)
                vr = n.v_reset if getattr(n, 'v_reset', None) is not None else np.zeros_like(n.v_threshold)
                self.vreset = _f32(torch, vr)
        else:
            raise SystemExit('nir_ref_torch: node %r of type %s is not handled by the reference'
                             % (name, k))
        self._shaped = False

    def _shape_params(self, unit_shape):
        """Reshape flat per-neuron parameters to the unit shape once (lenient, like the importer)."""
        if self._shaped:
            return
        n_units = int(np.prod(unit_shape))
        for attr in ('rdt', 'vth', 'vreset', 'beta', 'c', 'vleak', 's', 'theta'):
            t = getattr(self, attr, None)
            if t is None or not hasattr(t, 'shape'):
                continue
            if tuple(t.shape) != tuple(unit_shape) and t.numel() == n_units and t.numel() > 1:
                setattr(self, attr, t.reshape(unit_shape))
        self._shaped = True

    def reset(self):
        self.state = None

    # stateless transform of one batch-first tensor (B or T*B leading)
    def transform(self, x):
        k = self.kind
        F = self.F
        if k in ('Input', 'Output'):
            return x
        if k in ('Affine', 'Linear'):
            if self.accum == 'f64':
                return F.linear(x.double(), self.w64, self.b64).float()
            return F.linear(x, self.w, self.b)
        if k == 'Scale':
            self._shape_params(x.shape[1:])
            return self.s * x
        if k == 'Threshold':
            self._shape_params(x.shape[1:])
            return (x > self.theta).float()
        if k == 'Flatten':
            nd = x.dim() - 1
            s = self.start if self.start >= 0 else nd + self.start
            e = self.end if self.end >= 0 else nd + self.end
            return self.torch.flatten(x, s + 1, e + 1)
        if k in ('Conv1d', 'Conv2d'):
            if self.accum == 'f64':
                return self.conv(x.double(), self.w64, self.b64, self.stride, self.padding,
                                 self.dilation, self.groups).float()
            return self.conv(x, self.w, self.b, self.stride, self.padding, self.dilation, self.groups)
        if k in ('SumPool2d', 'AvgPool2d'):
            (kh, kw), (sh, sw), (ph, pw) = self.k, self.s, self.p
            xp = F.pad(x, (pw, pw, ph, ph)) if (ph or pw) else x
            H, W = xp.shape[-2], xp.shape[-1]
            oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
            acc = None
            for i in range(kh):          # kernel row-major, acc starts from the first element
                for j in range(kw):
                    sl = xp[..., i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
                    acc = sl if acc is None else acc + sl
            if k == 'AvgPool2d':
                acc = acc / float(kh * kw)
            return acc
        raise AssertionError(k)

    # one step of a neuron node
    def neuron_step(self, x):
        k = self.kind
        torch = self.torch
        if self.state is None:
            self._shape_params(x.shape[1:])
            if k in ('IF', 'I'):
                self.state = torch.zeros_like(x)
            else:
                self.state = torch.zeros_like(x) + self.vleak
        v = self.state
        if k in ('IF', 'I'):
            v1 = v + self.rdt * x                                   # v + (r*dt)*x
        else:
            v1 = (self.vleak + self.beta * (v - self.vleak)) + self.c * x
        if k in ('I', 'LI'):
            self.state = v1
            return v1
        z = v1 > self.vth
        self.state = torch.where(z, self.vreset, v1)
        return z.float()

    def step(self, x):
        if self.stateful:
            return self.neuron_step(x)
        return self.transform(x)


def order_graph(g):
    """Topological order over the edges, with cycle-closing edges marked as delayed."""
    names = list(g.nodes.keys())
    edges = [tuple(e) for e in g.edges]
    for a, b in edges:
        for nm in (a, b):
            if nm not in g.nodes:
                raise SystemExit('nir_ref_torch: edge %s -> %s names a missing node %r' % (a, b, nm))
    succ = {n: [] for n in names}
    for i, (a, b) in enumerate(edges):
        succ[a].append((b, i))
    inputs = [n for n in names if type(g.nodes[n]).__name__ == 'Input']
    if not inputs:
        raise SystemExit('nir_ref_torch: graph has no Input node')
    delayed = set()
    color = {n: 0 for n in names}   # 0 new, 1 on stack, 2 done

    def dfs(u):
        color[u] = 1
        for v, i in succ[u]:
            if color[v] == 1:
                delayed.add(i)
            elif color[v] == 0:
                dfs(v)
        color[u] = 2

    sys.setrecursionlimit(10000)
    for s in inputs:
        if color[s] == 0:
            dfs(s)
    unreached = [n for n in names if color[n] == 0]
    if unreached:
        raise SystemExit('nir_ref_torch: nodes not reachable from Input: %s' % unreached)
    # Kahn over the undelayed edges, ties broken by file order of the nodes
    indeg = {n: 0 for n in names}
    for i, (a, b) in enumerate(edges):
        if i not in delayed:
            indeg[b] += 1
    order, ready = [], [n for n in names if indeg[n] == 0]
    while ready:
        u = ready.pop(0)
        order.append(u)
        for v, i in succ[u]:
            if i not in delayed:
                indeg[v] -= 1
                if indeg[v] == 0:
                    ready.append(v)
    preds = {n: [] for n in names}
    for i, (a, b) in enumerate(edges):
        preds[b].append((a, i in delayed))
    return order, preds, delayed


class Runner:
    def __init__(self, g, torch, dt, accum):
        self.torch = torch
        self.g = g
        for n, node in g.nodes.items():
            if type(node).__name__ == 'NIRGraph':
                raise SystemExit('nir_ref_torch: nested NIRGraph %r is not handled by the reference' % n)
        self.order, self.preds, self.delayed = order_graph(g)
        self.nodes = {n: Node(n, g.nodes[n], torch, dt, accum) for n in self.order}
        self.inputs = [n for n in self.order if self.nodes[n].kind == 'Input']
        self.outputs = [n for n in self.order if self.nodes[n].kind == 'Output']
        if len(self.inputs) != 1:
            raise SystemExit('nir_ref_torch: expected one Input node, found %d' % len(self.inputs))
        if len(self.outputs) != 1:
            raise SystemExit('nir_ref_torch: expected one Output node, found %d' % len(self.outputs))

    def _gather(self, n, cur, prev):
        x = None
        for src, is_delayed in self.preds[n]:
            y = prev.get(src) if is_delayed else cur[src]
            if y is None:
                continue
            x = y if x is None else x + y
        if x is None:
            raise SystemExit('nir_ref_torch: node %r has no input at step 0 (only delayed edges)' % n)
        return x

    def run_step(self, frames):
        """frames: [T, B, *shape] float32. Returns (totals per node as 0-d float64, out [B, n])."""
        torch = self.torch
        for nd in self.nodes.values():
            nd.reset()
        T = frames.shape[0]
        tot = {n: torch.zeros((), dtype=torch.float64) for n in self.order}
        out_acc = None
        prev = {}
        inp, outn = self.inputs[0], self.outputs[0]
        for t in range(T):
            cur = {}
            for n in self.order:
                x = frames[t] if n == inp else self._gather(n, cur, prev)
                y = self.nodes[n].step(x)
                cur[n] = y
                tot[n] += y.sum(dtype=torch.float64)
            o = cur[outn].reshape(cur[outn].shape[0], -1).double()
            out_acc = o if out_acc is None else out_acc + o
            if self.delayed:
                prev = cur
        return tot, out_acc

    def run_layer(self, frames):
        """Acyclic graphs only: every node over all T steps at once."""
        torch = self.torch
        if self.delayed:
            raise SystemExit('nir_ref_torch: --mode layer needs an acyclic graph')
        for nd in self.nodes.values():
            nd.reset()
        T, B = frames.shape[0], frames.shape[1]
        seq = {}
        tot = {}
        inp, outn = self.inputs[0], self.outputs[0]
        for n in self.order:
            if n == inp:
                x = frames.reshape((T * B,) + tuple(frames.shape[2:]))
            else:
                x = None
                for src, _ in self.preds[n]:
                    x = seq[src] if x is None else x + seq[src]
            nd = self.nodes[n]
            if nd.stateful:
                xs = x.reshape((T, B) + tuple(x.shape[1:]))
                y = torch.empty_like(xs)
                for t in range(T):
                    y[t] = nd.neuron_step(xs[t])
                y = y.reshape(x.shape)
            else:
                y = nd.transform(x)
            seq[n] = y
            tot[n] = y.sum(dtype=torch.float64)
        o = seq[outn]
        out_acc = o.reshape(T, B, -1).double().sum(0)
        return tot, out_acc


def run_graph(args):
    import torch
    import nir
    torch.set_num_threads(args.threads)
    g = nir.read(args.graph, type_check=False)
    frames_np = np.load(args.input)
    if frames_np.ndim < 3:
        raise SystemExit('nir_ref_torch: input must be [T, B, *shape], got %s' % (frames_np.shape,))
    frames = torch.from_numpy(np.ascontiguousarray(frames_np, dtype=np.float32))
    T, B = frames.shape[0], frames.shape[1]
    r = Runner(g, torch, args.dt, args.accum)
    in_node = g.nodes[r.inputs[0]]
    want = getattr(in_node, 'input_type', {}).get('input')
    if want is not None and tuple(int(i) for i in np.asarray(want).reshape(-1)) != tuple(frames.shape[2:]):
        raise SystemExit('nir_ref_torch: input frames %s do not match the Input node shape %s'
                         % (tuple(frames.shape[2:]), tuple(np.asarray(want).tolist())))
    run = r.run_step if args.mode == 'step' else r.run_layer
    with torch.no_grad():
        t0 = time.perf_counter()
        run(frames)                                   # warm-up, not counted
        warm = time.perf_counter() - t0
        times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            tot, out_acc = run(frames)
            times.append(time.perf_counter() - t0)
    med = float(np.median(times))
    spikes, sums, types = {}, {}, {}
    for n in r.order:
        kind = r.nodes[n].kind
        types[n] = kind
        v = float(tot[n])
        if kind in SPIKING:
            spikes[n] = int(round(v))
        else:
            sums[n] = int(round(v)) if v == round(v) else v
    ops = out_acc.tolist()
    ops = [[int(v) if v == int(v) else v for v in row] for row in ops]
    res = {
        'tool': 'nir_ref_torch', 'graph': args.graph, 'input': args.input, 'dt': args.dt,
        'steps': int(T), 'batch': int(B), 'input_shape': [int(s) for s in frames.shape[2:]],
        'mode': args.mode, 'accum': args.accum, 'threads': torch.get_num_threads(),
        'torch': torch.__version__, 'order': r.order,
        'delayed_edges': [list(g.edges[i]) for i in sorted(r.delayed)],
        'node_types': types, 'spike_counts': spikes, 'sums': sums,
        'output_node': r.outputs[0], 'output_per_sample': ops,
        'warmup_s': round(warm, 4), 'times_s': [round(t, 4) for t in times],
        'time_s': round(med, 4), 'samples_per_s': round(B / med, 3),
    }
    line = json.dumps(res)
    print(line)
    if args.json:
        d = os.path.dirname(args.json)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(args.json, 'w') as f:
            f.write(line + '\n')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--make-input', metavar='OUT.npy')
    p.add_argument('--shape', default='2,34,34')
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--rate', type=float, default=0.05)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--graph', metavar='FILE.nir')
    p.add_argument('--input', metavar='IN.npy')
    p.add_argument('--dt', type=float, default=1.0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--reps', type=int, default=1)
    p.add_argument('--mode', choices=('step', 'layer'), default='step')
    p.add_argument('--accum', choices=('f32', 'f64'), default='f32')
    p.add_argument('--json', metavar='OUT')
    args = p.parse_args()
    if args.make_input:
        make_input(args)
    elif args.graph and args.input:
        run_graph(args)
    else:
        p.error('give --make-input OUT.npy, or --graph FILE.nir --input IN.npy')


if __name__ == '__main__':
    main()
