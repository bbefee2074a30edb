#!/usr/bin/python3
"""Loads a NIR file (one that snn4j wrote) with the NIR reference reader, type check on, and prints
what it got: node types, the input/output shapes the reader inferred, and a JSON dict of every
parameter, so a caller can compare them with snn4j's.

    PYTHONPATH=../shared/peers/nir_ref /usr/bin/python3 bench/nir_roundtrip.py FILE.nir \
        [--expect FILE.json] [--json OUT.json] [--no-type-check]

--expect: a JSON {"nodes": {"name" or "sub.name": {"type": T, "params": {field: {"shape": [...],
"values": [...]}}}}} (NirIoTest writes one next to its sample file); every node type and every listed
parameter must match exactly (values compared as float32). Exit status: 0 when the strict read
succeeds (and matches --expect), 1 on a mismatch, 2 when the reference reader refuses the file.

The reference package is taken from PYTHONPATH, or else from ../shared/peers/nir_ref next to the
repository (it needs python3-h5py and numpy).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.normpath(os.path.join(HERE, '..', '..', 'shared', 'peers', 'nir_ref'))
if not any(os.path.isdir(os.path.join(p, 'nir')) for p in sys.path if p) and os.path.isdir(REF):
    sys.path.insert(0, REF)

import numpy as np  # noqa: E402

try:
    import nir  # noqa: E402
except ImportError as e:
    print(f'nir_roundtrip: cannot import the NIR reference package ({e}); set PYTHONPATH to ../shared/peers/nir_ref',
          file=sys.stderr)
    sys.exit(3)

# fields that are derived by the reader, not stored parameters
DERIVED = {'input_type', 'output_type', 'metadata', 'nodes', 'edges'}


def plain(v):
    """A JSON-friendly copy: arrays as {"shape", "dtype", "values"}, numpy scalars as Python numbers."""
    if isinstance(v, np.ndarray):
        if v.dtype.kind in 'SOU':
            return {'shape': list(v.shape), 'dtype': str(v.dtype),
                    'values': [x.decode() if isinstance(x, bytes) else str(x) for x in v.reshape(-1)]}
        return {'shape': list(v.shape), 'dtype': str(v.dtype), 'values': v.reshape(-1).tolist()}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    return v


def shape_of(types):
    if types is None:
        return None
    return {k: (None if s is None else [int(x) for x in np.asarray(s).reshape(-1)]) for k, s in types.items()}


def walk(graph, prefix, out):
    """{qualified name: {"type", "input", "output", "params", "metadata"}} over the graph and its subgraphs."""
    for name, node in graph.nodes.items():
        q = prefix + name
        d = {'type': type(node).__name__,
             'input': shape_of(getattr(node, 'input_type', None)),
             'output': shape_of(getattr(node, 'output_type', None))}
        params = {}
        for k, v in vars(node).items():
            if k in DERIVED or k.startswith('_'):
                continue
            params[k] = plain(v)
        d['params'] = params
        md = getattr(node, 'metadata', None)
        if md:
            d['metadata'] = plain(md)
        out[q] = d
        if isinstance(node, nir.NIRGraph):
            walk(node, q + '.', out)
    return out


def compare(got, expect):
    """Mismatches between the reference reader's view and snn4j's expectation, as lines."""
    bad = []
    for name, e in expect.items():
        g = got.get(name)
        if g is None:
            bad.append(f'{name}: missing in the reference reader\'s graph')
            continue
        want_type = e['type']
        if g['type'] != want_type:
            bad.append(f'{name}: type {g["type"]}, snn4j says {want_type}')
        for field, ev in e.get('params', {}).items():
            gv = g['params'].get(field)
            if not isinstance(gv, dict) or 'values' not in gv:
                bad.append(f'{name}.{field}: not an array in the reference reader ({gv!r})')
                continue
            if list(gv['shape']) != list(ev['shape']):
                bad.append(f'{name}.{field}: shape {gv["shape"]}, snn4j {ev["shape"]}')
                continue
            a = np.asarray(gv['values'], dtype=np.float32)
            b = np.asarray(ev['values'], dtype=np.float64).astype(np.float32)
            if gv['dtype'] != 'float32':
                bad.append(f'{name}.{field}: dtype {gv["dtype"]}, snn4j writes float32')
            if not np.array_equal(a, b):
                i = int(np.argmax(a != b))
                bad.append(f'{name}.{field}: value {i} is {a[i]!r}, snn4j {b[i]!r} '
                           f'({int(np.sum(a != b))} of {a.size} differ)')
    for name in got:
        if name not in expect:
            bad.append(f'{name}: in the reference reader\'s graph, not in snn4j\'s')
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('file')
    ap.add_argument('--expect', help='JSON of snn4j\'s node types and parameters to compare with')
    ap.add_argument('--json', help='also write the parameter dict here')
    ap.add_argument('--no-type-check', action='store_true', help='read with type_check=False (older files)')
    a = ap.parse_args()

    try:
        version = nir.serialization.read_version(a.file)
    except Exception as e:  # noqa: BLE001 - report any failure as one line
        version = f'? ({type(e).__name__}: {e})'
    try:
        g = nir.read(a.file, type_check=not a.no_type_check)
    except Exception as e:  # noqa: BLE001 - the point is to report the reference reader's refusal
        print(f'STRICT READ FAILED: {a.file}: {type(e).__name__}: {e}', file=sys.stderr)
        sys.exit(2)

    nodes = walk(g, '', {})
    print(f'file {a.file}: version {version}, read with type_check={not a.no_type_check}: OK')
    print(f'{len(g.nodes)} nodes, {len(g.edges)} edges at the top; {len(nodes)} nodes in all')
    for name, d in nodes.items():
        def small_ints(v):
            return isinstance(v, dict) and v.get('dtype', '').startswith(('int', 'uint')) and len(v['values']) <= 4
        shapes = {k: v['shape'] for k, v in d['params'].items() if isinstance(v, dict) and 'shape' in v and not small_ints(v)}
        ints = {k: (v['values'] if small_ints(v) else v) for k, v in d['params'].items() if not isinstance(v, dict) or small_ints(v)}
        print(f'  {name:<14} {d["type"]:<10} in {d["input"]} out {d["output"]} {shapes} {ints}')
    if g.metadata:
        print('graph metadata: ' + json.dumps(plain(g.metadata), sort_keys=True))
    dump = {'version': version, 'edges': [list(e) for e in g.edges], 'metadata': plain(g.metadata or {}), 'nodes': nodes}
    text = json.dumps(dump, sort_keys=True)
    if a.json:
        with open(a.json, 'w') as f:
            f.write(text + '\n')
    else:
        print('JSON ' + text)

    if a.expect:
        with open(a.expect) as f:
            expect = json.load(f)['nodes']
        bad = compare(nodes, expect)
        n_params = sum(len(e.get('params', {})) for e in expect.values())
        if bad:
            print(f'MISMATCH: {len(bad)} difference(s) against {a.expect}:')
            for line in bad:
                print('  ' + line)
            sys.exit(1)
        print(f'MATCH: {len(expect)} node types and {n_params} parameter tensors identical to {a.expect}')


if __name__ == '__main__':
    main()
