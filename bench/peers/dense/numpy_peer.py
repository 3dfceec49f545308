# The numpy peer of the linalg suite's decomposition cases: a child process
# that keeps its input between timed runs. It reads one JSON command a line on
# stdin and answers one JSON line on stdout:
#   {"cmd": "version"}                      -> {"version": "numpy X (BLAS ...)"}
#   {"cmd": "setup", "op": OP, "n": N, "a": [row-major numbers]}
#                                           -> {"out": [[row-major numbers], ...]}
#   {"cmd": "run"}                          -> {}   (the operation once, timed by the caller)
#   {"cmd": "noop"}                         -> {}   (the round trip alone)
# The caller starts it with OPENBLAS_NUM_THREADS=1: one core, as Noodle uses.

import json
import sys

import numpy as np

OPS = {
    "qr": lambda a: np.linalg.qr(a),
    "chol": lambda a: (np.linalg.cholesky(a),),
    "eigh": lambda a: np.linalg.eigh(a),
    "svd": lambda a: (lambda u, s, vt: (u, s, vt.T))(*np.linalg.svd(a, full_matrices=False)),
}


def blas():
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown BLAS"


def main():
    op = None
    a = None
    for line in sys.stdin:
        cmd = json.loads(line)
        kind = cmd["cmd"]
        if kind == "version":
            reply = {"version": f"numpy {np.__version__} ({blas()}, python {sys.version.split()[0]})"}
        elif kind == "setup":
            op = OPS[cmd["op"]]
            n = cmd["n"]
            a = np.array(cmd["a"], dtype=np.float64).reshape(n, n)
            reply = {"out": [np.asarray(x).ravel().tolist() for x in op(a)]}
        elif kind == "run":
            op(a)
            reply = {}
        else:
            reply = {}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


main()
