"""``qa chat``: an interactive prompt that remembers the conversation, so follow-up questions work.

Each line is a question; a follow-up ("When did he sign it?") is searched in its stand-alone form,
printed as "Searched: …". ``/help`` lists the commands, ``/reset`` forgets the conversation, ``/quit``
(or end of input) leaves. Questions read from a pipe are echoed (``> question``) before their answer.
With ``--json`` every turn prints one JSON object on one line (the fields of ``qa ask --json``, with
``searched``), so the command can be driven by another program through a pipe.
"""

from __future__ import annotations

import argparse
import json
import sys

import qa
from qa.cli.commands import print_answer
from qa.cli.options import Command, add_dirs

PROMPT = "you> "
HELP = """Type a question and press Enter. Follow-ups use the conversation ("When did he sign it?").
  /help   this text
  /reset  forget the conversation
  /quit   leave (so does Ctrl-D)"""


def _chat_arguments(p: argparse.ArgumentParser) -> None:
    add_dirs(p, corpus=False)
    p.add_argument("-k", type=int, default=5, metavar="N", help="passages to draw quotes from (default 5)")
    p.add_argument("--outlet", action="append", metavar="NAME", help="only answer from this outlet (repeatable)")
    p.add_argument("--json", action="store_true", help="one JSON object per turn, on one line")


def _chat(args: argparse.Namespace) -> int:
    store = qa.open_index(args.index)  # a missing or broken index is an error before the first question
    _check_outlets(store.outlet_names(), args.outlet or ())
    interactive = sys.stdin.isatty() and not args.json
    if interactive:
        print("Ask about the news articles. Follow-up questions use the conversation; "
              "/help lists the commands, /reset forgets it, /quit leaves.")
    history: list[qa.Answer] = []
    while True:
        try:
            line = input(PROMPT if interactive else "")
        except EOFError:
            return 0
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return 0
        if question in ("/help", "/?", "help"):
            print(json.dumps({"help": HELP}) if args.json else HELP, flush=True)
            continue
        if question == "/reset":
            history.clear()
            print(json.dumps({"reset": True}) if args.json else "(conversation forgotten)", flush=True)
            continue
        if not interactive and not args.json:
            print(f"> {question}")  # a piped question: the transcript shows what was asked
        try:
            result = qa.answer(question, k=args.k, index=args.index, outlets=args.outlet or None, history=history)
        except qa.QuestionError as exc:  # one bad question does not end the conversation
            print(json.dumps({"question": question, "error": str(exc), "code": exc.code})
                  if args.json else f"qa chat: {exc}", flush=True)
            continue
        history.append(result)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print_answer(result, args.k)
            print(flush=True)


def _check_outlets(known: list[str], outlets: list[str] | tuple[str, ...]) -> None:
    """Refuse an ``--outlet`` the index has no article from before the first question (exit 2)."""
    keys = {qa.outlet_key(name) for name in known}
    missing = [o for o in outlets if qa.outlet_key(o) not in keys]
    if missing:
        raise qa.QuestionError(f"no articles from {', '.join(missing)} in the index; outlets: "
                               f"{', '.join(known) or 'none'}", field="outlets")


CHAT = Command("chat", "ask questions in a conversation (follow-ups remember earlier turns)",
               "An interactive prompt: each line is a question. A follow-up that leans on earlier turns "
               "('When did he sign it?', 'And how long is the contract?', 'What about Newsweek?') is searched "
               "in its stand-alone form, printed as 'Searched: ...'. /help lists the commands, /reset forgets "
               "the conversation, /quit leaves. Piped questions are echoed ('> question'). --json prints one "
               "JSON object per turn (reads questions from a pipe too).",
               _chat_arguments, _chat)
