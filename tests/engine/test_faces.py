"""The engine through the faces: QA_BACKEND_URL, ``qa ask --backend``, and errors worded with the URL."""

from __future__ import annotations

import pytest

import qa
from qa.cli import main


def test_cli_and_environment_use_the_engine(seed_pg, monkeypatch, capsys):
    assert main(["ask", "Which government body does the National Guard fall under?", "--backend", seed_pg]) == 0
    assert "Interior Ministry" in capsys.readouterr().out
    monkeypatch.setenv("QA_BACKEND_URL", seed_pg)
    monkeypatch.setenv("QA_INDEX", "/nonexistent/index")
    assert main(["ask", "At what ranks can foreigners sign a contract with the National Guard?"]) == 0
    out = capsys.readouterr()
    assert "sergeant" in out.out and "warning" not in out.err
    status = qa.index_status(compare=False)
    assert status.path == seed_pg and status.n_articles == 3 and status.error is None
    assert qa.answer("Who was named commander of the National Guard in July?").quotes[0].outlet == "Kyiv Independent"


def test_unreachable_server_and_empty_database(pg_url, capsys):
    url = "postgresql://qa:secret@127.0.0.1:1/qa"
    with pytest.raises(qa.ConfigError) as err:
        qa.answer("Who signed the decree?", index=url)
    assert "cannot reach the search server" in str(err.value) and "127.0.0.1:1" in str(err.value)
    assert "secret" not in str(err.value)
    with pytest.raises(qa.IndexMissing, match="no index in this database yet"):
        qa.retrieve("Who signed the decree?", index=pg_url)
    status = qa.index_status(None, pg_url)
    assert isinstance(status.error, qa.IndexMissing) and status.stale
    assert main(["ask", "Who signed the decree?", "--backend", url]) == 2
    err_text = capsys.readouterr().err
    assert err_text.count("\n") == 1 and "cannot reach the search server" in err_text and "secret" not in err_text


def test_server_memory_is_measured(seed_pg):
    from qa.tools.bench_engine import server_memory

    memory = server_memory(seed_pg)
    assert memory["processes"] >= 3 and 0 < memory["pss_mb"] <= memory["rss_sum_mb"]
    assert memory["hnsw_index_mb"] > 0 and memory["disk_bytes_per_paragraph"] > 1536  # a float32 vector at least


def test_a_dropped_connection_is_opened_again(seed_pg):
    import psycopg

    store = qa.open_index(seed_pg)
    before = [p.id for p in qa.retrieve("Who signed the decree?", 5, index=store)]
    with psycopg.connect(seed_pg, autocommit=True) as admin:  # what a server restart or a failover does
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert killed >= 1
    assert [p.id for p in qa.retrieve("Who signed the decree?", 5, index=store)] == before
