"""The reader's training loop: MiniLM + a start/end head, AdamW with warm-up, checkpoints, early stopping."""

from __future__ import annotations

import copy
import json
import logging
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from qa.model.reader import Span, decode, encode
from qa.train import data
from qa.train.dequantize import init_from_onnx, is_onnx
from qa.train.distill import keep_layers, load_weights, reader_loss
from qa.train.evaluate import squad_scores

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Hyper-parameters and paths of one training run."""

    data: list[str]
    eval: str | None
    work: str
    base: str
    epochs: int = 3
    lr: float = 1e-4
    batch_size: int = 32
    max_len: int = 192
    stride: int = 64
    max_query: int = 64
    seed: int = 13
    negatives: float = 1.0
    sentence_windows: bool = True
    para_rate: float = 1.0
    para_null_rate: float = 1.0
    freeze_layers: int = 0
    freeze_embeddings: bool = False
    warmup: float = 0.1
    weight_decay: float = 0.01
    limit: int | None = None
    sample: int | None = None
    eval_limit: int = 400
    eval_every: int = 400
    ckpt_every: int = 200
    patience: int = 3
    max_minutes: float | None = None
    threads: int = 2
    init_from: str | None = None
    device: str = "cpu"
    keep_layers: list[int] | None = None
    distill: float = 0.0
    temperature: float = 2.0
    extra: dict[str, object] = field(default_factory=dict)


class ReaderModel(nn.Module):
    """BertModel + a linear 384 -> 2 head giving start and end logits per token."""

    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        self.bert = bert
        self.qa_outputs = nn.Linear(bert.config.hidden_size, 2)
        nn.init.normal_(self.qa_outputs.weight, std=0.02)
        nn.init.zeros_(self.qa_outputs.bias)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        start, end = self.qa_outputs(hidden).unbind(-1)
        return start, end


def build_model(base: str, attn: str = "sdpa") -> ReaderModel:
    """The reader on top of the MiniLM weights in directory ``base`` (no download); a ``base`` holding only
    ``config.json`` (weights to come from ``--init-from``) gives the architecture with random weights."""
    from transformers import AutoConfig, AutoModel

    if any(Path(base).glob("*.safetensors")) or any(Path(base).glob("*.bin")):
        bert = AutoModel.from_pretrained(base, attn_implementation=attn, add_pooling_layer=False)
    else:
        bert = AutoModel.from_config(AutoConfig.from_pretrained(base), attn_implementation=attn,
                                     add_pooling_layer=False)
    return ReaderModel(bert)


def load_tokenizer(base: str):
    """The base model's fast tokenizer with truncation and padding off."""
    from tokenizers import Tokenizer

    from qa.model.reader import prepare_tokenizer

    return prepare_tokenizer(Tokenizer.from_file(str(Path(base) / "tokenizer.json")))


def freeze(model: ReaderModel, layers: int, embeddings: bool = False) -> None:
    """Freeze the lowest ``layers`` encoder layers, and the embeddings if ``embeddings`` or ``layers > 0``."""
    if embeddings or layers > 0:
        for p in model.bert.embeddings.parameters():
            p.requires_grad = False
    for layer in model.bert.encoder.layer[:max(0, layers)]:
        for p in layer.parameters():
            p.requires_grad = False


class TorchPredictor:
    """``predict(question, texts)`` with the torch model, using the runtime's own encode/decode."""

    def __init__(self, model: ReaderModel, tokenizer, cfg: TrainConfig) -> None:
        self.model, self.tokenizer, self.cfg = model, tokenizer, cfg

    @torch.no_grad()
    def __call__(self, question: str, texts: list[str]) -> list[Span]:
        b = encode(self.tokenizer, question, texts, self.cfg.max_len, self.cfg.stride, self.cfg.max_query)
        device = next(self.model.parameters()).device
        start, end = self.model(*(torch.from_numpy(a).to(device) for a in (b.input_ids, b.attention_mask,
                                                                           b.token_type_ids)))
        return decode(b, start.float().cpu().numpy(), end.float().cpu().numpy(), texts)


def eval_subset(examples: list[data.Example], limit: int, seed: int) -> list[data.Example]:
    """A fixed random subset of the answerable examples (the early-stopping set)."""
    answerable = [ex for ex in examples if ex.answers]
    random.Random(seed).shuffle(answerable)
    return answerable[:limit] if limit else answerable


def _save(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train(cfg: TrainConfig, resume: bool = False) -> dict[str, object]:
    """Train the reader; the best model (by eval F1) ends up in ``<work>/best.pt``.

    A checkpoint (model, optimiser, schedule, position in the epoch) is written to ``<work>/checkpoint/last.pt``
    every ``ckpt_every`` steps and at each epoch end; with ``resume`` the run continues from it exactly.

    Returns:
        The run's state: steps, wall time, eval history, best F1 (also in ``<work>/state.json``).
    """
    work = Path(cfg.work)
    work.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tok = load_tokenizer(cfg.base)
    examples, articles = data.load_squad(cfg.data)
    if cfg.sample:  # a seeded random sample over all the files (ablations: equal size, other data)
        examples = random.Random(cfg.seed).sample(examples, min(cfg.sample, len(examples)))
    if cfg.limit:
        examples = examples[:cfg.limit]
    if cfg.sample or cfg.limit:
        keep = {ex.article for ex in examples}
        articles = {k: v for k, v in articles.items() if k in keep}
    passages, questions = data.tokenize_all(tok, examples, articles, cfg.max_query)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    dev = eval_subset(data.load_squad([cfg.eval])[0], cfg.eval_limit, cfg.seed) if cfg.eval else []

    def epoch_plan(epoch: int) -> tuple[list[data.Feature], list[list[int]]]:
        feats = data.make_features(examples, passages, questions, cls_id, sep_id,
                                   random.Random(cfg.seed * 1000 + epoch), max_len=cfg.max_len, stride=cfg.stride,
                                   negatives=cfg.negatives, sentence_windows=cfg.sentence_windows,
                                   full=cfg.para_rate, null_windows=cfg.para_null_rate)
        order = data.batches(len(feats), [len(f.input_ids) for f in feats], cfg.batch_size,
                             random.Random(cfg.seed * 1000 + epoch + 500))
        return feats, order

    model = build_model(cfg.base)
    if is_onnx(cfg.init_from):  # the shipped int8 graph, dequantised; fresh optimiser
        init_from_onnx(model, cfg.init_from, work)
        log.info("initialised from the dequantised %s", cfg.init_from)
    elif cfg.init_from:  # continue from saved weights (a state dict or a training checkpoint), fresh optimiser
        load_weights(model, torch.load(cfg.init_from, map_location="cpu", weights_only=False))
        log.info("initialised from %s", cfg.init_from)
    device = torch.device(cfg.device)
    teacher = copy.deepcopy(model).to(device).eval().requires_grad_(False) if cfg.distill > 0 else None
    if cfg.keep_layers:  # a smaller reader: some of the initial reader's layers, taught by all of them
        keep_layers(model, cfg.keep_layers)
    model.to(device)
    freeze(model, cfg.freeze_layers, cfg.freeze_embeddings)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in named if not n.endswith("bias") and "LayerNorm" not in n]
    rest = [p for n, p in named if n.endswith("bias") or "LayerNorm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": rest, "weight_decay": 0.0}], lr=cfg.lr)
    feats, order = epoch_plan(0)
    total = max(1, len(order) * cfg.epochs)

    def lr_factor(step: int) -> float:  # linear warm-up and decay over steps, or over the time budget if shorter
        progress = step / total
        if cfg.max_minutes:
            progress = max(progress, float(state["seconds"]) / (cfg.max_minutes * 60))
        return max(0.0, min((step + 1) / max(1.0, cfg.warmup * total), (1 - progress) / (1 - cfg.warmup)))

    state: dict[str, object] = {"step": 0, "epoch": 0, "index": 0, "best_f1": -1.0, "best_step": 0, "bad_evals": 0,
                                "history": [], "seconds": 0.0, "total_steps": total, "features_epoch0": len(feats),
                                "stopped": "", "config": asdict(cfg)}
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    ckpt = work / "checkpoint" / "last.pt"
    if resume and ckpt.exists():
        saved = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        state.update(saved["state"])
        torch.set_rng_state(saved["rng"].cpu())
        if str(state["stopped"]).startswith("time"):
            state["stopped"] = ""
        for group, base_lr in zip(opt.param_groups, sched.base_lrs, strict=True):  # this run's time budget
            group["lr"] = base_lr * lr_factor(sched.last_epoch)
        log.info("resumed at step %s (epoch %s, batch %s)", state["step"], state["epoch"], state["index"])

    def checkpoint() -> None:
        _save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
               "state": state, "rng": torch.get_rng_state()}, ckpt)
        (work / "state.json").write_text(json.dumps(state, indent=1))

    def evaluate() -> bool:
        if not dev:
            _save(model.state_dict(), work / "best.pt")
            return False
        model.eval()
        scores = squad_scores(TorchPredictor(model, tok, cfg), dev)
        model.train()
        scores["step"] = state["step"]
        state["history"].append(scores)
        improved = scores["f1"] > state["best_f1"]
        if improved:
            state.update(best_f1=scores["f1"], best_step=state["step"], bad_evals=0)
            _save(model.state_dict(), work / "best.pt")
        else:
            state["bad_evals"] += 1
        log.info("eval step %s: EM %.4f F1 %.4f (best %.4f at %s)", state["step"], scores["em"], scores["f1"],
                 state["best_f1"], state["best_step"])
        return state["bad_evals"] >= cfg.patience

    model.train()
    start_time = time.time() - float(state["seconds"])
    stop = bool(state["stopped"])
    while not stop and state["epoch"] < cfg.epochs:
        epoch = int(state["epoch"])
        if epoch:
            feats, order = epoch_plan(epoch)
        bar = tqdm(total=len(order), initial=int(state["index"]), desc=f"epoch {epoch + 1}/{cfg.epochs}",
                   file=sys.stderr, mininterval=1 if sys.stderr.isatty() else 30, dynamic_ncols=True)
        running = None
        while state["index"] < len(order):
            batch = data.collate([feats[i] for i in order[int(state["index"])]])
            loss = reader_loss(model, batch, device, teacher, cfg.distill, cfg.temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            state["step"] += 1
            state["index"] += 1
            state["seconds"] = time.time() - start_time
            running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
            state.setdefault("losses", []).append(round(loss.item(), 4))
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}", lr=f"{sched.get_last_lr()[0]:.2e}", refresh=False)
            if state["step"] % cfg.eval_every == 0 and state["index"] < len(order) and evaluate():
                stop, state["stopped"] = True, f"early stop at step {state['step']}"
            if cfg.max_minutes and state["seconds"] > cfg.max_minutes * 60:
                stop, state["stopped"] = True, f"time limit at step {state['step']}"
            if stop or state["step"] % cfg.ckpt_every == 0:
                checkpoint()
            if stop:
                break
        bar.close()
        if state["index"] >= len(order):
            state.update(epoch=epoch + 1, index=0)
            if evaluate():
                stop, state["stopped"] = True, f"early stop after epoch {epoch + 1}"
            checkpoint()
    if str(state["stopped"]).startswith("time") or not (work / "best.pt").exists():
        evaluate()
    state["seconds"] = time.time() - start_time
    (work / "state.json").write_text(json.dumps(state, indent=1))
    return state
