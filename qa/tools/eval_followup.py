"""Follow-up questions in ``qa eval``: conversations asked turn by turn, with and without their history.

A *conversations* file is a JSON list of ``{conversation, turns: [{question, answerable, gold}]}``
(each turn a seed-format item). Every turn is asked twice through :func:`qa.answer`: alone, and with
the conversation so far (the answers the system gave, as a user would have seen them). Hits are the
seed format's: a quote overlapping a gold span of a gold outlet.

The same check on a seed file (:func:`standalone_with_history`) asks its stand-alone questions as one
conversation: history must change nothing there.
"""

from __future__ import annotations

from typing import Any

from qa import Answer, IndexStore
from qa.tools.eval_data import Progress, Runner, rate, seed_hits

__all__ = ["eval_conversations", "standalone_with_history"]


def _turn_label(position: int) -> str:
    return f"turn {position + 1}" if position < 3 else "turn 4+"


def eval_conversations(store: IndexStore, conversations: list[dict], k: int,
                       progress: Progress = None) -> dict[str, Any]:
    """hit@1/@3 per turn with and without history, over all turns and over follow-ups (turn 2 on)."""
    run = Runner(store, 0)
    hits: dict[str, dict[str, list[bool]]] = {"with": {}, "without": {}}
    abstained = {"with": [], "without": []}
    searched: list[str] = []
    misses: list[str] = []
    total = sum(len(c["turns"]) for c in conversations)
    done = 0
    for conversation in conversations:
        history: list[Answer] = []
        for position, item in enumerate(conversation["turns"]):
            _, alone = run(item["question"])
            _, followed = run(item["question"], history)
            history.append(followed)
            if followed.rewritten:
                searched.append(f"{item['question']} -> {followed.searched}")
            for mode, result in (("without", alone), ("with", followed)):
                if not item.get("answerable", True):
                    abstained[mode].append(result.abstained)
                    continue
                ok = seed_hits(result, item)
                if mode == "with" and not (ok[:1] and ok[0]):
                    misses.append(f"{item['question']} (searched: {result.searched})")
                for key in ("all", _turn_label(position), *(("follow-up",) if position else ())):
                    hits[mode].setdefault(f"{key} hit@1", []).append(bool(ok[:1] and ok[0]))
                    hits[mode].setdefault(f"{key} hit@3", []).append(any(ok))
            done += 1
            if progress:
                progress(done, total)
    figures: dict[str, Any] = {"conversations": len(conversations), "turns": total,
                               "rewritten_turns": len(searched)}
    for key in hits["with"]:
        name = key.removeprefix("all ")
        figures[f"{name} with history"] = rate(hits["with"][key])
        figures[f"{name} without history"] = rate(hits["without"][key])
        if key == "all hit@1":
            figures["hit@1 gain from history"] = figures[f"{name} with history"] - figures[f"{name} without history"]
    if abstained["with"]:
        figures["unanswerable abstained with history"] = rate(abstained["with"])
        figures["unanswerable abstained without history"] = rate(abstained["without"])
    figures["searched"] = searched
    figures["misses@1 with history"] = misses
    return {**figures, **run.timing()}


def standalone_with_history(store: IndexStore, items: list[dict]) -> dict[str, Any]:
    """A seed file asked as one conversation: how many questions history rewrote, and hit@1/@3 then."""
    run = Runner(store, 0)
    history: list[Answer] = []
    h1, h3, rewritten = [], [], []
    for item in items:
        _, result = run(item["question"], history)
        history.append(result)
        if result.rewritten:
            rewritten.append(f"{item['question']} -> {result.searched}")
        if item.get("answerable", True):
            ok = seed_hits(result, item)
            h1.append(bool(ok[:1] and ok[0]))
            h3.append(any(ok))
    return {"hit@1 with history": rate(h1), "hit@3 with history": rate(h3),
            "rewritten by history": len(rewritten), "rewritten": rewritten}
