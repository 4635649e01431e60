"""The benchmark as a script: `python bench/run_bench.py --sizes S,M,L --repeats 3`.

The same as `leadscore bench` (flows/leadscore/evaluation/bench.py); see bench/README.md for what it measures."""

import sys

from leadscore.cli import app

if __name__ == "__main__":
    sys.exit(app(["bench", *sys.argv[1:]]))
