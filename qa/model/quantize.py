"""The int8 question graph: the exported fp32 ``model.onnx`` with its weights quantised to int8.

Questions are short and one at a time, so their encoding is a fixed cost of every answer; the int8 graph
(dynamic quantisation, QInt8 per channel) takes about 60% of the time. Passages keep the fp32 graph
(``tokens.onnx``), so an index never depends on it. On the MultiHop-RAG dev queries a question's int8 vector
has cosine >= 0.98 with its fp32 one and retrieval is unchanged (``docs/benchmarks.md``).

The graph is made from ``model.onnx`` with onnxruntime and onnx alone (no torch: onnxruntime's transformer
optimiser imports torch, and gave nothing measurable here), once, beside it in the export cache, written to a
temporary file and renamed into place, so a reader sees no graph or a complete one.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

__all__ = ["QUERY_INT8_FILE", "int8_query_graph"]

log = logging.getLogger(__name__)

QUERY_INT8_FILE = "query.int8.onnx"


def int8_query_graph(fp32: Path) -> Path:
    """The int8 question graph made from the fp32 graph ``fp32`` (``model.onnx``), made once beside it.

    Raises:
        OSError: The export directory cannot be written.
        Exception: onnxruntime could not quantise the graph (the caller falls back to fp32).
    """
    final = fp32.parent / QUERY_INT8_FILE
    if final.is_file():
        return final
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("making the int8 question graph %s (once)", final)
    fd, tmp = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=fp32.parent)
    os.close(fd)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser's advice on pre-processing, every time (setLevel: not cached)
    try:
        quantize_dynamic(str(fp32), tmp, weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, final)
    finally:
        root.setLevel(level)
        Path(tmp).unlink(missing_ok=True)
    return final
