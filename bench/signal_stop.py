#!/usr/bin/env python3
"""Issue 18's signal check: start `bin/snn4j run exact-xor --quick`, send SIGINT or SIGTERM once its
first checkpoint is on disk, and report how long the JVM took to stop, its exit code, its last line
and the FAILED marker. Usage: python3 bench/signal_stop.py SIGINT|SIGTERM [OUT]"""
import os, shutil, signal, subprocess, sys, time

sig = getattr(signal, sys.argv[1] if len(sys.argv) > 1 else "SIGINT")
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/snn4j-signal-stop"
shutil.rmtree(out, ignore_errors=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
env = dict(os.environ, SNN4J_NO_BUILD="1")
# a shell's background job ignores SIGINT; give the run the default disposition, as a terminal does
p = subprocess.Popen([os.path.join(root, "bin", "snn4j"), "run", "exact-xor", "--quick", "--out", out], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
while not os.path.exists(os.path.join(out, "train-checkpoint.safetensors")):
    if p.poll() is not None:
        sys.exit("the run ended before its first checkpoint")
    time.sleep(0.01)
t = time.time()
p.send_signal(sig)
p.wait()
ms = (time.time() - t) * 1000
last = p.stderr.read().decode().strip().splitlines()[-1]
failed = os.path.join(out, "FAILED")
print('{"signal": "%s", "stop_ms": %.0f, "exit": %d, "last_line": "%s", "failed_marker": %s}' % (
    sys.argv[1] if len(sys.argv) > 1 else "SIGINT", ms, p.returncode, last.replace('"', "'"), "true" if os.path.exists(failed) else "false"))
