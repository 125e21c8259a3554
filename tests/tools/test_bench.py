"""`qa bench` on the seed size with one repetition: every figure is present and sane."""

import json

import pytest

from qa.cli import main


def test_bench_seed_writes_json_table_and_plot(tmp_path, capsys):
    out, png = tmp_path / "bench.json", tmp_path / "bench.png"
    rc = main(["bench", "--sizes", "seed", "--repeat", "1", "--work", str(tmp_path / "work"),
               "--out", str(out), "--plot", str(png), "-q", "--reader", "again=models/reader"])
    assert rc == 0
    result = json.loads(out.read_text())
    seed = result["sizes"]["seed"]
    tp = seed["throughput"]
    assert tp["paragraphs"] > 20 and tp["raw_encode_pps"] > 0 and tp["build_pps"] > 0
    assert abs(tp["ratio"] - tp["build_pps"] / tp["raw_encode_pps"]) < 1e-9
    serve = seed["serve"]
    for key in ("answer_p50_ms", "answer_p95_ms", "retrieve_p50_ms", "retrieve_p95_ms", "dense_p50_ms",
                "peak_rss_mb", "disk_bytes_per_paragraph"):
        assert serve[key] > 0, key
    assert serve["answer_p50_ms"] <= serve["answer_p95_ms"]
    assert serve["vector_index"] == "FlatIndex" and seed["recall"]["recall_at_10"] == 1.0
    assert seed["cold"]["cold_start_s"] > 0 and seed["cold"]["top_imports_s"]
    assert seed["build"]["peak_rss_mb"] > 0
    assert "cold_start_seed_s" in result["targets"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert "answer() p50 / p95, ms" in printed and "target cold_start_seed_s" in printed
    # another reader side by side, in the same run: its own warm-serving row
    assert result["readers"] == ["again=models/reader"] and seed["serve_reader_again"]["answer_p50_ms"] > 0
    assert "  reader again, ms" in printed


@pytest.mark.fast
def test_bench_refuses_unknown_sizes_and_a_missing_multihop_corpus(tmp_path, capsys):
    work = ["--work", str(tmp_path / "work"), "--out", str(tmp_path / "b.json"), "-q"]
    assert main(["bench", "--sizes", "huge", *work]) == 2
    assert capsys.readouterr().err == "qa bench: error: unknown size 'huge'; choose from seed, multihop, 1m, engine\n"
    missing = tmp_path / "nope.json"
    assert main(["bench", "--sizes", "seed,multihop", "--multihop", str(missing), *work]) == 2
    assert capsys.readouterr().err == (f"qa bench: error: {missing}: MultiHop-RAG corpus.json not found; "
                                       "pass --multihop PATH\n")
    assert not (tmp_path / "b.json").exists()


@pytest.mark.fast
def test_the_answer_budget_is_60_ms_with_the_reader_and_30_without():
    from qa.tools.bench import check_targets

    def size(reader_ms, bare_ms):
        return {"recall": {"recall_at_10": 1.0}, "serve": {"answer_p50_ms": reader_ms},
                "serve_no_reader": {"answer_p50_ms": bare_ms}}

    met = check_targets({"multihop": size(58.0, 16.0)})
    assert met["answer_p50_ms_multihop"] == {"value": 58.0, "met": True}
    assert met["answer_p50_ms_multihop_no_reader"] == {"value": 16.0, "met": True}
    met = check_targets({"multihop": size(61.0, 31.0)})
    assert not met["answer_p50_ms_multihop"]["met"] and not met["answer_p50_ms_multihop_no_reader"]["met"]
