"""The README's Python example runs as written (on a scratch index): its examples stay true."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_python_example_runs(tmp_path):
    (block,) = [b for b in python_blocks() if "RagPipeline" in b]
    # Each line of the block is a statement whose value the README comments on: print them all.
    code = "\n".join(line if "=" in line.split("#")[0] or line.startswith(("from ", "import ")) or not line.strip()
                     else f"print(repr(({line.split('#')[0].strip()}))[:300])" for line in block.splitlines())
    env = dict(os.environ, RAG_INDEX_DIR=str(tmp_path / "index"))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "10월" in out and "True" in out and "Citation(" in out and "Document(" in out
