"""Follow-up figures of two follow-up resolvers, side by side in one run (issue 20: wrong referents).

The resolver of an older commit (``git show REV:qa/answering/followup.py``, loaded as its own module) and
the current one answer the same conversations files on the same index with the same reader, one after the
other in this process; everything but the resolver is this checkout's code. Figures are those of
``qa eval`` (:func:`qa.tools.eval_followup.eval_conversations`).

    python scripts/followup_side_by_side.py FILE.json [FILE.json …] --index DIR [--old REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qa.api  # noqa: E402
from qa import open_index  # noqa: E402
from qa.tools.eval_followup import eval_conversations  # noqa: E402

FIGURES = ("hit@1 with history", "hit@1 without history", "follow-up hit@1 with history", "hit@3 with history",
           "rewritten_turns")


def old_resolver(rev: str):
    """``resolve_followup`` as it was at ``rev``."""
    source = subprocess.run(["git", "show", f"{rev}:qa/answering/followup.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "followup_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("followup_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.resolve_followup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--index", required=True)
    parser.add_argument("--old", default="main", help="git revision of the 'before' resolver (default: main)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    store = open_index(args.index)
    current = qa.api.resolve_followup
    versions = {f"before ({args.old})": old_resolver(args.old), "now": current}
    out: dict[str, dict] = {}
    for path in args.files:
        conversations = json.loads(path.read_text())
        for name, resolver in versions.items():
            qa.api.resolve_followup = resolver
            try:
                out.setdefault(str(path), {})[name] = eval_conversations(store, conversations, 10)
            finally:
                qa.api.resolve_followup = current
    if args.json:
        print(json.dumps(out, indent=1))
        return
    for path, by_version in out.items():
        print(f"\n{path}")
        print(f"| figure | {' | '.join(by_version)} |\n|---|{'---|' * len(by_version)}")
        for v in by_version.values():  # "Why: At what ranks …": a searched form that is not one question
            v["searched forms with ': '"] = sum(": " in s.split(" -> ", 1)[1] for s in v["searched"])
        for figure in (*FIGURES, "searched forms with ': '"):
            cells = [f"{v[figure]:.3f}" if isinstance(v[figure], float) else str(v[figure])
                     for v in by_version.values()]
            print(f"| {figure} | {' | '.join(cells)} |")
        for name, figures in by_version.items():
            print(f"\nmisses@1 with history, {name}:")
            for miss in figures["misses@1 with history"]:
                print(f"  - {miss}")


if __name__ == "__main__":
    main()
