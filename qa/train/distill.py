"""A smaller reader from a trained one: keep some of its encoder layers, then learn from its logits.

The run-time reader's cost is its word pieces times its layers (``docs/benchmarks.md``), so a reader with
fewer layers reads faster. :func:`keep_layers` cuts a trained reader down to the layers it names (renumbered
from 0; the start/end head is kept); :func:`reader_loss` trains the smaller one on the gold span and, with a
teacher, on the teacher's start and end distributions too (Hinton et al. 2015: soft targets at a temperature).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["keep_layers", "load_weights", "match_layers", "reader_loss"]

_MASKED = -1e4


def keep_layers(model: nn.Module, layers: Sequence[int]) -> None:
    """Keep only the encoder layers ``layers`` of ``model`` (a ``ReaderModel``), in that order, in place.

    Raises:
        ValueError: When ``layers`` is empty, repeats a layer or names one the model does not have.
    """
    have = len(model.bert.encoder.layer)
    if not layers or len(set(layers)) != len(layers) or not all(0 <= i < have for i in layers):
        raise ValueError(f"--keep-layers must name distinct layers among 0..{have - 1}, got {list(layers)}")
    model.bert.encoder.layer = nn.ModuleList([model.bert.encoder.layer[i] for i in layers])
    model.bert.config.num_hidden_layers = len(layers)


def match_layers(model: nn.Module, state: dict) -> None:
    """Give ``model`` as many encoder layers as the state dict ``state`` holds (its first ones), so that a
    smaller reader's saved weights load into a model built from the 6-layer base."""
    prefix = "bert.encoder.layer."
    n = len({k[len(prefix):].split(".")[0] for k in state if k.startswith(prefix)})
    if 0 < n < len(model.bert.encoder.layer):
        keep_layers(model, range(n))


def load_weights(model: nn.Module, saved: dict) -> None:
    """Load a state dict, or a training checkpoint's ``model``, into ``model``, cut to its layer count first."""
    state = saved.get("model", saved)
    match_layers(model, state)
    model.load_state_dict(state)


def _soft(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL(teacher || student) of the distributions over positions at ``temperature``, times its square."""
    log_p = nn.functional.log_softmax(student / temperature, dim=-1)
    q = nn.functional.softmax(teacher / temperature, dim=-1)
    return nn.functional.kl_div(log_p, q, reduction="batchmean") * temperature ** 2


def reader_loss(model: nn.Module, batch: dict[str, list], device: torch.device, teacher: nn.Module | None = None,
                weight: float = 0.0, temperature: float = 2.0) -> torch.Tensor:
    """Cross-entropy of the gold start and end (padding masked), mixed with the teacher's soft targets.

    Args:
        model: The reader being trained.
        batch: Collated features (``input_ids``, ``attention_mask``, ``token_type_ids``, ``start``, ``end``).
        device: Where the model is.
        teacher: A trained reader in eval mode, or None.
        weight: Share of the loss from the teacher (0: gold spans only).
        temperature: Softening of both distributions for the teacher's share.
    """
    t = {k: torch.tensor(batch[k], device=device)
         for k in ("input_ids", "attention_mask", "token_type_ids", "start", "end")}
    inputs = (t["input_ids"], t["attention_mask"], t["token_type_ids"])
    pad = t["attention_mask"] == 0
    start, end = (x.masked_fill(pad, _MASKED) for x in model(*inputs))
    ce = nn.functional.cross_entropy
    hard = (ce(start, t["start"]) + ce(end, t["end"])) / 2
    if teacher is None or weight <= 0:
        return hard
    with torch.no_grad():
        t_start, t_end = (x.masked_fill(pad, _MASKED) for x in teacher(*inputs))
    soft = (_soft(start, t_start, temperature) + _soft(end, t_end, temperature)) / 2
    return (1 - weight) * hard + weight * soft
