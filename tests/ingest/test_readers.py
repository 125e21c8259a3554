import json

import pytest

from qa import ArticleError
from qa.ingest.readers import read_articles
from tests.conftest import ROOT, SEED_META, SEEDS

pytestmark = pytest.mark.fast


def test_qa_add_cleaning_reproduces_the_committed_corpus(tmp_path):
    """The seed files in corpus/ are exactly what `qa add` makes of the raw seed scrapes (articles a user
    added to corpus/ are left out of the comparison)."""
    import qa.ingest.corpus

    made = {}
    for name, meta in SEED_META.items():
        (article,) = read_articles(SEEDS / name, **meta)
        path = qa.ingest.corpus.write_article(article, tmp_path)
        made[path.name] = path.read_text()
    committed = {name: (ROOT / "corpus" / name).read_text() for name in made}
    assert made == committed


def test_tests_never_use_the_repo_corpus_or_index():
    """Fixtures make their own corpus and index: only the comparison above reads corpus/, none writes it."""
    repo_dirs = ("ROOT / " + '"corpus"', "ROOT / " + '"index"')
    allowed = "committed = {name: (ROOT / " + '"corpus"' + " / name).read_text() for name in made}"
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "tests").rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if any(d in line for d in repo_dirs) and line.strip() != allowed]
    assert offenders == []


def test_json_list_with_multihop_field_names(tmp_path):
    data = [{"title": "T1", "source": "The Verge", "author": None, "published_at": "2023-11-27 08:45:59Z",
             "url": "https://x.test/1", "body": "First para.\n\nSecond para."},
            {"title": "T2", "outlet": "Wired", "published": "2023-01-02", "text": "Only para."}]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data))
    a, b = read_articles(path)
    assert (a.outlet, a.published, a.body, a.author) == ("The Verge", "2023-11-27", ("First para.",
                                                                                   "Second para."), "")
    assert (b.outlet, b.body) == ("Wired", ("Only para.",))
    jl = tmp_path / "a.jsonl"
    jl.write_text("\n".join(json.dumps(d) for d in data))
    assert [x.title for x in read_articles(jl)] == ["T1", "T2"]


def test_cli_metadata_fills_gaps_but_file_wins(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: Given\noutlet: File Outlet\n---\n\nBody text here.\n")
    (a,) = read_articles(path, outlet="Flag Outlet", author="Flag Author")
    assert (a.outlet, a.author, a.title) == ("File Outlet", "Flag Author", "Given")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.md", b"", "empty"),
    ("blank.txt", b"   \n\n ", "whitespace"),
    ("bin.txt", b"\x00\x01\x02binary", "binary"),
    ("latin.txt", "caf\xe9 story".encode("latin-1"), "not UTF-8"),
    ("broken.md", b"---\ntitle: [unclosed\n---\n\nBody.", "front matter"),
    ("nooutlet.md", b"---\ntitle: T\n---\n\nBody text.", "no outlet"),
    ("bad.json", b"{not json", "invalid JSON"),
    ("x.pdf", b"%PDF-1.4", "unsupported"),
])
def test_bad_files_raise_clear_value_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_articles(path)


def test_html_article_extracts_text_and_metadata(tmp_path):
    page = """<html><head><title>Big News - Daily Planet</title>
    <meta property="og:site_name" content="Daily Planet"><meta name="author" content="Lois Lane">
    <meta property="article:published_time" content="2024-03-01"></head><body>
    <nav>Home | World | Sports</nav><article><h1>Big News</h1>
    <p>The mayor of Metropolis announced a new bridge across the river on Friday morning.</p>
    <p>Construction will begin next spring and is expected to last three years in total.</p>
    </article><footer>Copyright</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page)
    (a,) = read_articles(path)
    assert a.outlet == "Daily Planet" and a.author == "Lois Lane" and a.published == "2024-03-01"
    assert any("new bridge" in p for p in a.body) and not any("Home | World" in p for p in a.body)


def test_errors_are_typed_and_name_file_record_and_field(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"title": "A", "outlet": "O", "body": "Fine."}, {"title": "B", "body": "No outlet."}]))
    with pytest.raises(ArticleError) as exc:
        read_articles(path)
    err = exc.value
    assert (err.source, err.field, err.code) == (str(path), "outlet", "bad_article")
    assert err.problem == "article 2 has no outlet" and "--outlet NAME" in err.hint
    assert str(err) == f"{path}: article 2 has no outlet; {err.hint}"
    assert (err.describe(source="two.json", hint="fill in the form")
            == "two.json: article 2 has no outlet; fill in the form")
