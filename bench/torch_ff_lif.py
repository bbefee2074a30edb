#!/usr/bin/python3
"""PyTorch peer of `snn4j bench ff-lif` (the Open Neuromorphic SNN-library
benchmark): one Linear(N, N) layer followed by LIF neurons, T steps, batch B,
forward + backward with loss = sum of the output spikes.

LIF (snntorch.Leaky, reset_mechanism="subtract", reset_delay=True):
    reset_t = H(mem_{t-1} - thr)                 (detached, as in snnTorch)
    mem_t   = beta * mem_{t-1} + I_t - reset_t * thr
    spk_t   = H(mem_t - thr)   with surrogate d spk/d mem = 1/(slope*|mem-thr|+1)^2
    beta=0.95, thr=1.0, slope=25 (the snn4j side uses the same values)
Input:  dense standard-normal x[T, B, N], drawn once outside the timed region.
Timed:  one iteration = forward over T steps (time loop in Python, one fc call
        per step, as in the snnTorch tutorials) + loss.backward() (gradients of
        all parameters; no optimiser step). fwd_ms: the forward pass alone under
        torch.no_grad(); bwd_ms = fwd_bwd_ms - fwd_ms (the benchmark reports the
        forward and backward times separately; its input is torch.randn and its
        loss output.sum(), as here).

Prints ONE JSON line on stdout with the same field names as snn4j's line
(N, T, B, threads, fwd_bwd_ms, fwd_ms, output_rate_per_step, run_s, peak_rss_mb).

Usage (best layout on a 2-core machine, see ../shared/peers/README.md):
    /usr/bin/python3 bench/torch_ff_lif.py --neurons 512 --steps 500 --batch 16 --threads 1 --blas-threads 2
"""
import argparse
import json
import os
import resource
import time

import torch
import torch.nn as nn


def openblas():
    import ctypes
    try:
        lib = ctypes.CDLL('libopenblas.so.0')
        lib.openblas_get_config.restype = ctypes.c_char_p
        return lib
    except OSError:
        return None


def rss_now_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def rss_peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_seconds():
    """Seconds since this process started (from /proc), like snn4j's wall_s."""
    with open('/proc/self/stat') as f:
        start_ticks = int(f.read().rsplit(')', 1)[1].split()[19])
    with open('/proc/uptime') as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf('SC_CLK_TCK')


class FastSigmoidSpike(torch.autograd.Function):
    slope = 25.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).float()

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (FastSigmoidSpike.slope * torch.abs(x) + 1.0) ** 2


spike_fn = FastSigmoidSpike.apply


class Leaky(nn.Module):
    def __init__(self, beta=0.95, threshold=1.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, cur, mem):
        reset = (mem - self.threshold > 0).float()
        mem = self.beta * mem + cur - reset * self.threshold
        spk = spike_fn(mem - self.threshold)
        return spk, mem


class LinearLif(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, n)
        self.lif = Leaky()

    def forward(self, x):  # x: [T, B, N]
        T, B, N = x.shape
        mem = torch.zeros(B, N)
        out = []
        for t in range(T):
            spk, mem = self.lif(self.fc(x[t]), mem)
            out.append(spk)
        return torch.stack(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--neurons', type=int, default=512)
    ap.add_argument('--steps', type=int, default=500)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--iters', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2, help='torch.set_num_threads')
    ap.add_argument('--blas-threads', type=int, default=0, help='OpenBLAS threads (0 = its default)')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    ob = openblas()
    if ob is not None and args.blas_threads > 0:
        ob.openblas_set_num_threads(args.blas_threads)
    torch.manual_seed(args.seed)
    N, T, B = args.neurons, args.steps, args.batch
    x = torch.randn(T, B, N)
    model = LinearLif(N)
    rss_before = rss_now_mb()
    out = dict(tool='pytorch', version=torch.__version__, workload='ff-lif', model='linear_lif_N-N',
               N=N, T=T, B=B, neurons=N, steps=T, batch=B, threads=torch.get_num_threads(),
               blas_threads=ob.openblas_get_num_threads() if ob is not None else None,
               blas=ob.openblas_get_config().decode() if ob is not None else None,
               warmup=args.warmup, iters=args.iters,
               params=sum(p.numel() for p in model.parameters()))
    t_total = 0.0
    t_fwd = 0.0
    spikes = 0.0
    for i in range(args.warmup + args.iters):
        t0 = time.perf_counter()
        for p in model.parameters():
            p.grad = None
        spk = model(x)
        loss = spk.sum()
        loss.backward()
        t1 = time.perf_counter()
        with torch.no_grad():
            spk2 = model(x)
        t2 = time.perf_counter()
        if i >= args.warmup:
            t_total += t1 - t0
            t_fwd += t2 - t1
            spikes += float(spk2.sum())
    out.update(fwd_bwd_ms=round(1000 * t_total / args.iters, 2),
               fwd_ms=round(1000 * t_fwd / args.iters, 2),
               bwd_ms=round(1000 * (t_total - t_fwd) / args.iters, 2),
               output_rate_per_step=round(spikes / (args.iters * T * B * N), 4),
               run_s=round(t_total, 4),
               rss_before_mb=round(rss_before, 1),
               rss_peak_mb=round(rss_peak_mb(), 1),
               wall_s=round(process_seconds(), 3),
               peak_rss_mb=round(rss_peak_mb(), 1))
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
