"""The sub-commands that build, query and serve an index: index, add, ask, serve, remove."""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

import qa
from qa.cli.compare import print_stances
from qa.cli.options import Command, add_dirs, add_quiet, check_port, work_done

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")  # any scheme: qa.add_urls names the ones it refuses
META_FLAGS = (("outlet", "publication name, e.g. 'Newsweek'"), ("title", "headline"), ("author", "byline"),
              ("published", "publication date, YYYY-MM-DD"), ("url", "address of the article"))


def _index_arguments(p: argparse.ArgumentParser) -> None:
    add_dirs(p)
    p.add_argument("--rebuild", action="store_true", help="re-embed everything (after a model change "
                                                           "or a corrupted index)")
    p.add_argument("--from-index", type=Path, default=None, metavar="DIR",
                   help="with --backend: take the vectors from this index directory (same model) instead of "
                        "embedding again")
    add_quiet(p)


def _index(args: argparse.Namespace) -> int:
    stats = qa.build_index(args.corpus, args.index, rebuild=args.rebuild, progress=not args.quiet,
                           from_index=args.from_index)
    print(f"indexed {stats.articles} articles, {stats.passages} passages into {stats.path} {work_done(stats)}")
    return 0


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH|URL",
                   help="article files, or addresses of web pages (http:// or https://)")
    p.add_argument("--feed", metavar="URL", help="an RSS or Atom feed: add the stories it lists that the corpus "
                                                 "does not have yet")
    add_dirs(p)
    for name, hint in META_FLAGS:
        p.add_argument(f"--{name}", default=None, help=hint)
    p.add_argument("--meta", action="append", metavar="KEY=VALUE",
                   help="extra front-matter field, e.g. --meta updated=2024-02-22 (repeatable)")
    add_quiet(p)


def _add(args: argparse.Namespace) -> int:
    meta = {k: v for k, _ in META_FLAGS if (v := getattr(args, k)) is not None}
    for item in args.meta or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise qa.ArticleError(f"--meta {item!r}: expected KEY=VALUE", field="meta")
        meta[key.strip()] = value.strip()
    urls = [p for p in args.paths if _URL.match(p)]
    if args.feed is not None:
        if args.paths:
            raise qa.ArticleError("give either --feed URL or articles to add, not both", field="feed")
        return _add_feed(args, meta)
    if not args.paths:
        raise qa.ArticleError("nothing to add", hint="name article files, web page addresses or --feed URL")
    if urls and len(urls) < len(args.paths):
        raise qa.ArticleError("give either files or web addresses, not both", hint="add them in two commands")
    if urls:
        stats = qa.add_urls(urls, corpus=args.corpus, index=args.index, progress=not args.quiet, metadata=meta)
    else:
        stats = qa.add_articles([Path(p) for p in args.paths], corpus=args.corpus, index=args.index,
                                progress=not args.quiet, metadata=meta)
    print(f"corpus now has {stats.articles} articles, {stats.passages} passages {work_done(stats)}")
    return 0


def _add_feed(args: argparse.Namespace, meta: dict[str, str]) -> int:
    result = qa.add_feed(args.feed, corpus=args.corpus, index=args.index, progress=not args.quiet, metadata=meta)
    print(f"feed {result.title or result.feed}: {len(result.added)} new, {len(result.skipped)} skipped")
    for article in result.added:
        print(f"  added   {article.title} ({article.outlet}" + (f", {article.published})" if article.published
                                                                  else ")"))
    for item in result.skipped:
        print(f"  skipped {item.link or item.title}: {item.reason}")
    if result.stats is None:
        print("nothing new: corpus and index unchanged")
    else:
        stats = result.stats
        print(f"corpus now has {stats.articles} articles, {stats.passages} passages {work_done(stats)}")
    return 0


def _ask_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help="the question, in quotes")
    add_dirs(p, corpus=False)
    p.add_argument("-k", type=int, default=5, metavar="N", help="passages to draw quotes from (default 5)")
    p.add_argument("--outlet", action="append", metavar="NAME", help="only answer from this outlet (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output with offsets")


def _ask(args: argparse.Namespace) -> int:
    if any("\udc80" <= ch <= "\udcff" for ch in args.question):  # undecodable argv bytes
        raise qa.QuestionError("the question is not UTF-8 text")
    stale = qa.index_status(None, args.index).stale
    result = qa.answer(args.question, k=args.k, index=args.index, outlets=args.outlet or None)
    if stale:
        print(f"qa ask: warning: {stale}; answering from the index as built (`qa index` updates it)",
              file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    print_answer(result, args.k)
    return 0


def print_answer(result: qa.Answer, k: int) -> None:
    """Print an answer for a terminal: the short answer, then each outlet's quotes with title and date."""
    if result.rewritten:
        print(f"Searched: {result.searched}\n")
    for fact in result.facts:  # "Who wrote the Newsweek article?": the byline, labelled as metadata
        print(fact.describe() + "\n")
    if result.recalled:
        print("From the previous answer:\n")
    if print_stances(result):
        return
    if result.abstained:
        print(f"No indexed article is from {' or '.join(result.unindexed)}, and none of the closest passages cites "
              "it: what it printed cannot be quoted." if result.unindexed else
              f"None of the {result.n_articles} indexed articles answers this.")
        if result.quotes:
            print("\nClosest passages (not an answer):")
    else:
        short = result.short_answer
        if result.tentative:  # a weak best match: said before its quotes, and not said to report the answer
            print(qa.hedge(result) + "\n")
        if short is not None:
            print(f"Answer: {short.answer_text}  ({short.outlet})\n")
        n = len(result.outlets)
        lead = "Closest match from" if result.tentative else "Reported by"
        print(f"{lead} {n} outlet{'s' * (n != 1)}:" if n > 1 else "Quoted from:" if short else
              "Closest match:" if result.tentative else "Answer:")
    shown = result.quotes if result.abstained else [q for g in result.outlets for q in g.quotes]
    for q in shown[:k]:
        p = q.passage
        opens = q.text[:1] in "\"“‘'"  # a quote that opens with the article's own quotation mark is not re-quoted
        print(f"\n  {q.text}" if opens else f"\n  “{q.text}”")
        print(textwrap.indent(f"— {p.outlet}, “{p.title}”" + (f", by {p.author}" if p.author else "")
                              + (f", {p.published}" if p.published else "")
                              + f"  [score {q.score:.2f}]" + (f"\n  {p.url}" if p.url else ""), "    "))
    if result.silent:
        print("\nSays nothing on this: " + ", ".join(result.silent))


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    add_dirs(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--read-only", action="store_true",
                   help="no Add tab and no endpoint that writes, even on 127.0.0.1 (the default beyond "
                        "loopback without an admin token)")
    p.add_argument("--admin-token", default=None, metavar="TOKEN",
                   help="adding articles asks for this token (default: $QA_ADMIN_TOKEN; prefer the variable: "
                        "a flag is visible in the process list)")
    p.add_argument("--allow-private-urls", action="store_true",
                   help="let the Add tab fetch pages on loopback, private and link-local addresses (local use)")
    p.add_argument("--allow-url-host", action="append", default=[], metavar="HOST",
                   help="a host name the Add tab fetches whatever address it resolves to, e.g. an intranet "
                        "news site (repeatable)")
    p.add_argument("--rate-limit", type=int, default=30, metavar="N",
                   help="questions answered per client address per minute (default 30; 0: no limit)")


def _serve(args: argparse.Namespace) -> int:
    check_port(args.host, args.port)  # one line and exit 2, before the index and Gradio load
    corpus = args.corpus or qa.default_corpus()
    index = args.index or qa.default_index()
    if not qa.index_status(corpus, index).current:
        print(f"index {index} is missing or older than {corpus}: updating it first", file=sys.stderr)
        qa.build_index(corpus, index, progress=True)
    from ui.serving import launch  # gradio is heavy: only `qa serve` loads it

    if args.rate_limit < 0:
        raise qa.ConfigError(f"--rate-limit {args.rate_limit}: give a number of questions a minute, 0 for no limit",
                             field="rate_limit")
    launch(index, corpus, host=args.host, port=args.port, read_only=args.read_only, admin_token=args.admin_token,
           allow_private_urls=args.allow_private_urls, allowed_url_hosts=args.allow_url_host,
           questions_per_minute=args.rate_limit)
    return 0


def _remove_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("articles", nargs="+", metavar="ARTICLE_ID|PATH", help="articles to remove")
    add_dirs(p)
    add_quiet(p)


def _remove(args: argparse.Namespace) -> int:
    targets = qa.resolve_articles(args.articles, args.corpus)
    stats = qa.remove_articles(targets, corpus=args.corpus, index=args.index, progress=not args.quiet)
    for path in targets:
        print(f"removed {path.stem}")
    print(f"index now has {stats.articles} articles, {stats.passages} passages {work_done(stats)}")
    return 0


INDEX = Command("index", "build or update the index from the corpus",
                "Embed new or changed paragraphs of the corpus and write a new index version atomically; "
                "unchanged paragraphs reuse their vectors.", _index_arguments, _index)
ADD = Command("add", "add article files, web pages or a feed's stories to the corpus and update the index",
              "Read articles (.md/.txt with or without YAML front matter, raw page scrapes, .json/.jsonl, "
              ".html), clean them, write them to the corpus as front-matter Markdown and update the index. "
              "Flags fill fields the files lack; an article without an outlet is refused.\n\n"
              "An http:// or https:// address is fetched and its story extracted: the outlet is the page's "
              "site name (else its host), the url its canonical address; flags replace what the page says. "
              "--feed URL reads an RSS or Atom feed and adds the stories the corpus does not have yet.",
              _add_arguments, _add, raw_description=True)
ASK = Command("ask", "answer a question with quotes",
              "Print the verbatim quotes that answer QUESTION, with outlet and title, or say that no indexed "
              "article answers it. A question that names outlets or publication dates is searched within each "
              "of them, e.g. 'Does the TechCrunch report published on October 31, 2023 say X, while The Verge "
              "says Y?' quotes each outlet for its own part.", _ask_arguments, _ask)
SERVE = Command("serve", "run the browser UI",
                "Serve the Gradio UI and the JSON API (POST /api/answer). Builds or updates the index first when "
                "it is missing or older than the corpus. Beyond 127.0.0.1 without an admin token it serves "
                "read-only (no Add tab); pages added by URL must be on public addresses.", _serve_arguments, _serve)
REMOVE = Command("remove", "remove articles from the corpus and the index",
                 "Delete articles (by id: the corpus file name without .md, or by path to the corpus file) and "
                 "update the index: their paragraphs leave the dense index, BM25 and the metadata together. "
                 "Nothing is re-embedded.", _remove_arguments, _remove)
