"""Turn the shipped int8 reader graph (``model.onnx``) back into the torch ``ReaderModel``'s fp32 state dict.

The graph is the one :mod:`qa.train.export` writes: attention fused by onnxruntime.transformers, then dynamic
int8 quantisation. Per layer it holds a ``QAttention`` (query/key/value weights concatenated), three
``MatMulInteger`` (attention output, intermediate, output dense; per-channel int8 weights ``[in, out]``) whose
biases sit in the next ``SkipLayerNormalization`` / ``BiasGelu``, and two ``SkipLayerNormalization`` (the
LayerNorms); the embeddings and their LayerNorm are one ``QEmbedLayerNormalization`` (uint8, per tensor); the head
is a last ``MatMulInteger`` and an ``Add``. Weights are mapped to torch names by walking the graph's data path
from the embeddings to the logits, not by the (numbered) initializer names.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import torch
from torch import nn

__all__ = ["LINEAGE_FILE", "init_from_onnx", "is_onnx", "load_onnx_weights", "state_dict_from_onnx", "write_lineage"]

LINEAGE_FILE = "lineage.md"
# the weighted nodes of one encoder layer along the data path, and the head's
LAYER_OPS = ["QAttention", "MatMulInteger", "SkipLayerNormalization", "MatMulInteger", "BiasGelu",
             "MatMulInteger", "SkipLayerNormalization"]
HEAD_OPS = ["MatMulInteger", "Add"]
PASS_THROUGH = {"DynamicQuantizeLinear", "Cast", "Mul"}


def is_onnx(init_from: str | None) -> bool:
    """Whether ``--init-from`` names an ONNX graph (loaded through :func:`init_from_onnx`), not torch weights."""
    return bool(init_from) and str(init_from).endswith(".onnx")


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    """``(q - zero_point) * scale`` in float32; a vector scale / zero point is per output channel (last axis)."""
    return ((q.astype(np.float32) - np.asarray(zero_point, dtype=np.float32)) * scale).astype(np.float32)


def _data_path(graph, start: str) -> list:
    """The weighted nodes met following the data from tensor ``start`` to the graph's logits, in order."""
    consumers: dict[str, list] = {}
    for node in graph.node:
        for i, name in enumerate(node.input):
            consumers.setdefault(name, []).append((i, node))
    inits = {t.name for t in graph.initializer}
    path, tensor = [], start
    while True:
        # the data input is input 0, except for the head's bias Add (bias + matmul output)
        nxt = [n for i, n in consumers.get(tensor, []) if i == 0 or (n.op_type == "Add" and n.input[0] in inits)]
        if not nxt:
            break
        if len(nxt) != 1:
            raise ValueError(f"{tensor} feeds {len(nxt)} nodes on the data path ({[n.op_type for n in nxt]})")
        node = nxt[0]
        if node.op_type not in PASS_THROUGH:
            path.append(node)
        if node.op_type == "Add":
            break
        tensor = node.output[0]
    return path


def _matmul_weight(node, producers: dict, init: dict) -> np.ndarray:
    """A ``MatMulInteger``'s dequantised weight as torch's ``[out, in]``; its scale is found through the
    ``Cast`` -> ``Mul`` after it, whose scale input is (activation scale x weight scale)."""
    cast = next(n for n in producers.values() if n.op_type == "Cast" and n.input[0] == node.output[0])
    out_mul = next(n for n in producers.values() if n.op_type == "Mul" and n.input[0] == cast.output[0])
    scales_mul = producers[out_mul.input[1]]
    scale = next(init[x] for x in scales_mul.input if x in init)
    return dequantize(init[node.input[1]], scale, init[node.input[3]]).T


def state_dict_from_onnx(path: str | Path) -> dict[str, torch.Tensor]:
    """The ``ReaderModel`` state dict (``bert.*`` + ``qa_outputs.*``, fp32) rebuilt from the int8 graph at ``path``.

    Raises:
        ValueError: The graph is not the fused, quantised reader (unexpected nodes on the data path).
    """
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    producers = {out: n for n in graph.node for out in n.output}
    embed = [n for n in graph.node if n.op_type == "QEmbedLayerNormalization"]
    if len(embed) != 1:
        raise ValueError(f"{path}: expected one QEmbedLayerNormalization, found {len(embed)}")
    e = embed[0].input  # ids, segment ids, 3 embeddings + gamma + beta, mask, then their 5 scales and 5 zero points
    sd: dict[str, np.ndarray] = {}
    for k, name in enumerate(("word_embeddings.weight", "position_embeddings.weight",
                              "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")):
        sd[f"bert.embeddings.{name}"] = dequantize(init[e[2 + k]], init[e[8 + k]], init[e[13 + k]])
    path_nodes = _data_path(graph, embed[0].output[0])
    ops = [n.op_type for n in path_nodes]
    layers, rest = divmod(len(ops) - len(HEAD_OPS), len(LAYER_OPS))
    if rest or ops != LAYER_OPS * layers + HEAD_OPS:
        raise ValueError(f"{path}: unexpected data path {ops}")
    for i in range(layers):
        att, mm_att, ln_att, mm_mid, gelu, mm_out, ln_out = path_nodes[i * 7:(i + 1) * 7]
        p = f"bert.encoder.layer.{i}."
        a = att.input  # input, weight, bias, input scale, weight scale, mask, input zero point, weight zero point
        qkv = dequantize(init[a[1]], init[a[4]], init[a[7]])  # [hidden, 3 * hidden]: query | key | value
        hidden = qkv.shape[0]
        if qkv.shape[1] != 3 * hidden:
            raise ValueError(f"{path}: {att.name} weight shape {qkv.shape}")
        for j, name in enumerate(("query", "key", "value")):
            sd[f"{p}attention.self.{name}.weight"] = qkv[:, j * hidden:(j + 1) * hidden].T
            sd[f"{p}attention.self.{name}.bias"] = init[a[2]][j * hidden:(j + 1) * hidden]
        for mm, ln, dense, norm in ((mm_att, ln_att, "attention.output.dense", "attention.output.LayerNorm"),
                                    (mm_out, ln_out, "output.dense", "output.LayerNorm")):
            sd[f"{p}{dense}.weight"] = _matmul_weight(mm, producers, init)
            sd[f"{p}{dense}.bias"] = init[ln.input[4]]  # SkipLayerNormalization: input, skip, gamma, beta, bias
            sd[f"{p}{norm}.weight"], sd[f"{p}{norm}.bias"] = init[ln.input[2]], init[ln.input[3]]
        sd[f"{p}intermediate.dense.weight"] = _matmul_weight(mm_mid, producers, init)
        sd[f"{p}intermediate.dense.bias"] = init[gelu.input[1]]
    head, add = path_nodes[-2:]
    sd["qa_outputs.weight"] = _matmul_weight(head, producers, init)
    sd["qa_outputs.bias"] = next(init[x] for x in add.input if x in init)
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in sd.items()}


def load_onnx_weights(model: nn.Module, path: str | Path) -> dict[str, torch.Tensor]:
    """Load the dequantised graph at ``path`` into ``model`` (cut to the graph's layer count); every parameter
    (and persistent buffer other than position/token-type ids) must be filled, with its shape, and nothing left over.

    Returns:
        The state dict that was loaded.

    Raises:
        ValueError: A key is missing, extra or of the wrong shape.
    """
    from qa.train.distill import match_layers

    sd = state_dict_from_onnx(path)
    match_layers(model, sd)  # a smaller reader's graph: the model keeps as many layers
    want = model.state_dict()
    buffers = {n for n, _ in model.named_buffers()}
    missing = sorted(k for k in want if k not in sd and k not in buffers)
    extra = sorted(k for k in sd if k not in want)
    shapes = sorted(k for k in sd if k in want and tuple(sd[k].shape) != tuple(want[k].shape))
    if missing or extra or shapes:
        raise ValueError(f"{path}: missing {missing}, extra {extra}, wrong shape {shapes}")
    model.load_state_dict({**{k: want[k] for k in buffers if k in want}, **sd}, strict=True)
    return sd


def write_lineage(onnx_path: str | Path, work: str | Path) -> Path | None:
    """Copy the learning curve and the recipe lines of the model card next to ``onnx_path`` into
    ``<work>/lineage.md`` (sections ``## Source``, ``## Learning curve`` and ``## Recipe``), for the new card.

    Returns:
        The file written, or None when there is no ``MODEL_CARD.md`` beside the graph.
    """
    onnx_path = Path(onnx_path)
    card = onnx_path.parent / "MODEL_CARD.md"
    if not card.exists():
        return None
    text = card.read_text(encoding="utf-8")
    curve = text.split("Learning curve", 1)[-1].split("Reproduce", 1)[0]
    rows = [ln for ln in curve.splitlines() if ln.startswith("| ") and not ln.startswith("| run ")]
    recipe = [ln for ln in text.splitlines() if ln.startswith("- `")]
    command = next((ln.strip() for ln in text.splitlines() if ln.startswith("    python -m qa.train")), "")
    if command:
        work_dir = re.search(r"--work (\S+)", command)
        recipe.append(f"- `{Path(work_dir.group(1)).name if work_dir else 'last'}`: `{command}`")
    digest = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    out = Path(work) / LINEAGE_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"## Source\n`{onnx_path.name}` (sha256 `{digest}`), dequantised to fp32 by "
                   f"`qa.train.dequantize`; its card: `{card}`\n\n## Learning curve\n" + "\n".join(rows)
                   + "\n\n## Recipe\n" + "\n".join(recipe) + "\n", encoding="utf-8")
    return out


def init_from_onnx(model: nn.Module, onnx_path: str | Path, work: str | Path) -> None:
    """Initialise ``model`` from the dequantised int8 graph and record its lineage in ``<work>/lineage.md``."""
    load_onnx_weights(model, onnx_path)
    write_lineage(onnx_path, work)
