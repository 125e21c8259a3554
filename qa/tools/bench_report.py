"""What ``qa bench`` prints and draws: its result as a plain-text table (one column per size) and a PNG."""

from __future__ import annotations

from pathlib import Path

from qa.tools.bench import TARGETS, variants

__all__ = ["plot", "table"]


def table(result: dict) -> str:
    """The result as a plain-text table (one column per size)."""
    sizes = result["sizes"]
    rows = [
        ("paragraphs", lambda s: f"{s['serve']['paragraphs']:,}"),
        ("vector index", lambda s: s["serve"]["vector_index"]),
        ("raw encoder, para/s", lambda s: f"{s['throughput']['raw_encode_pps']:.0f}" if "throughput" in s else "-"),
        ("full build, para/s", lambda s: f"{s['throughput']['build_pps']:.0f}" if "throughput" in s else "-"),
        ("build / raw", lambda s: f"{s['throughput']['ratio']:.2f}" if "throughput" in s else "-"),
        ("whole-index build, s", lambda s: f"{_build_s(s['build']):.1f}" + (" (reused)" * s["build"].get("reused", 0))),
        ("build peak RSS, MB", lambda s: f"{s['build']['peak_rss_mb']:.0f}"),
        ("server PSS / RSS sum, MB", lambda s: f"{s['server_memory']['pss_mb']:.0f} / "
                                              f"{s['server_memory']['rss_sum_mb']:.0f}"),
        ("cold start to answer, s", lambda s: f"{s['cold']['cold_start_s']:.2f}"),
        ("answer() p50 / p95, ms", lambda s: f"{s['serve']['answer_p50_ms']:.1f} / {s['serve']['answer_p95_ms']:.1f}"),
        *((f"  {what}, ms", lambda s, key=key: f"{s[key]['answer_p50_ms']:.1f} / {s[key]['answer_p95_ms']:.1f}"
           if key in s else "-") for key, _, what in variants(result.get("readers", ()))),
        ("  embedded, same run, ms", lambda s: f"{s['serve']['embedded_answer_p50_ms']:.1f} / "
                                             f"{s['serve']['embedded_answer_p95_ms']:.1f}"),
        ("retrieve() p50 / p95, ms",
         lambda s: f"{s['serve']['retrieve_p50_ms']:.1f} / {s['serve']['retrieve_p95_ms']:.1f}"),
        ("dense search p50, ms", lambda s: f"{s['serve']['dense_p50_ms']:.2f}"),
        ("BM25 search p50, ms", lambda s: f"{s['serve']['lexical_p50_ms']:.2f}"),
        ("dense recall@10 vs exact", lambda s: f"{s['recall']['recall_at_10']:.3f}"),
        ("serving peak RSS, MB", lambda s: f"{s['serve']['peak_rss_mb']:.0f}"),
        ("disk per paragraph, bytes", lambda s: f"{s['serve']['disk_bytes_per_paragraph']:.0f}"),
    ]
    names = list(sizes)
    width = max(len(r[0]) for r in rows) + 2
    lines = ["".ljust(width) + "".join(n.rjust(22) for n in names)]
    for label, fmt in rows:
        cells = []
        for n in names:
            try:
                cells.append(fmt(sizes[n]))
            except (KeyError, TypeError):
                cells.append("-")
        lines.append(label.ljust(width) + "".join(c.rjust(22) for c in cells))
    lines.append("")
    for k, v in result["targets"].items():
        lines.append(f"target {k}: {v['value']} {'met' if v['met'] else 'NOT met'}")
    return "\n".join(lines)


def _build_s(build: dict) -> float:
    return build.get("build_s") or build.get("generate_s", 0) + build.get("index_write_s", 0)


def plot(result: dict, path: Path) -> None:
    """PNG of warm latency (answer, retrieve, dense, BM25 p50) against corpus size, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(result["sizes"].values(), key=lambda s: s["serve"]["paragraphs"])
    xs = [s["serve"]["paragraphs"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label in (("answer", "answer() p50"), ("retrieve", "retrieve() p50"), ("dense", "dense search p50"),
                       ("lexical", "BM25 search p50")):
        ax.plot(xs, [s["serve"][f"{key}_p50_ms"] for s in sizes], marker="o", label=label)
    ax.plot(xs, [s["serve"]["answer_p95_ms"] for s in sizes], marker="x", linestyle=":", label="answer() p95")
    for budget in sorted({v for k, v in TARGETS.items() if k.startswith("answer_p50_ms")}):  # the answer budgets
        ax.axhline(budget, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("paragraphs in the index")
    ax.set_ylabel("warm latency, ms")
    ax.set_title(f"qa bench: latency vs corpus size ({result['machine']['cpus']} CPUs)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
