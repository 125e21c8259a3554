"""Typos: a question's misspelled words corrected against the index's own vocabulary before the search.

A word is never changed when the index knows it (its BM25 stem occurs in some passage), when it is an
English function word, a number, an acronym, a contraction or shorter than ``min_letters``. Otherwise:

- a word that is no English word (symspellpy's bundled frequency dictionary) becomes the closest word of
  the index's vocabulary or a function word (SymSpell: edit distance 1, or 2 for long words; a dropped,
  doubled or swapped letter before any other edit; then the word the index prints most);
- an English word the index never prints ("dose", "gard") is replaced only when its neighbours say so:
  no English bigram (symspellpy's bigram dictionary) joins it to them while one joins a word at distance
  1 that is ``real_word_ratio`` times more frequent ("dose the" -> "does the", "national gard" ->
  "national guard"; "so far" stays);
- a capitalised word is replaced only by a function word or by a word the index writes capitalised, so
  a name the index does not know ("Blinken") is left as typed.

The corrected word keeps the question's casing and everything between words is kept verbatim. The
vocabulary (word counts of up to ``sample`` passages, the titles and outlets) and its SymSpell
dictionary are built once per opened index, at its first question with an unknown word, and built again
when the index changes (another version, or another passage count on a server).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

from qa.answering.settings import DEFAULT_SPELLING, SpellingSettings
from qa.index.backend import SearchBackend
from qa.index.lexical import tokenize

__all__ = ["FUNCTION_WORDS", "Vocabulary", "correct_spelling", "vocabulary"]

_FUNCTION = """
a about above according across after against ago all almost along already also although always am among an
and another any anyone anything are around as at away back be because been before being below between both
but by can cannot could did do does doing done down during each either else enough ever every few for from
further had has have having he her here hers herself him himself his how however i if in into is it its
itself just least less like many may me might more most much must my myself near neither never next no nor
not now of off often on once one only onto or other others our ours ourselves out over own per perhaps
quite rather same several shall she should since so some something still such than that the their theirs
them themselves then there these they this those though through thus till to too toward towards under
until up upon us very via was we well were what whatever when where whether which while who whom whose
why will with within without would yet you your yours yourself yourselves
"""
FUNCTION_WORDS = frozenset(_FUNCTION.split())  # never corrected; targets too ("wich" -> "which")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")  # words of the question, with their apostrophes
_TEXT_WORD = re.compile(r"[^\W\d_]{2,}")  # words of the indexed texts (letters only)
_POSSESSIVE = re.compile(r"(.+)(['\u2019][sS])")


@lru_cache(maxsize=1)
def _english() -> dict[str, int]:
    """Word -> frequency of symspellpy's English dictionary (82,765 words)."""
    text = (files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    return {w: int(c) for w, c in (line.split() for line in text.splitlines() if line.strip())}


@lru_cache(maxsize=1)
def _bigrams() -> dict[str, int]:
    """"word word" -> frequency of symspellpy's English bigram dictionary."""
    text = (files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt").read_text(encoding="utf-8")
    return {pair: int(count) for pair, _, count in (line.rpartition(" ") for line in text.splitlines()) if pair}


@dataclass(frozen=True)
class Vocabulary:
    """The words of an index: counts, the ones it writes capitalised, and their SymSpell dictionary.

    Attributes:
        counts: Lower-cased word -> occurrences in the texts read.
        capitalised: Lower-cased word -> occurrences written with a capital letter.
        speller: A ``symspellpy.SymSpell`` over ``counts`` and :data:`FUNCTION_WORDS`.
    """

    counts: dict[str, int]
    capitalised: dict[str, int]
    speller: object

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """Count the words of ``texts`` and build their SymSpell dictionary (edit distance up to 2)."""
        from symspellpy import SymSpell

        raw: Counter[str] = Counter()
        paragraphs = []
        for text in texts:
            if len(text) >= 300:
                paragraphs.append(text)
                continue
            found = _TEXT_WORD.findall(text)
            if len(found) >= 4 and sum(w[0].isupper() for w in found) > 0.6 * len(found):
                found = [w.lower() for w in found]  # a headline in title case says nothing about names
            raw.update(found)
        raw.update(_TEXT_WORD.findall("\n".join(paragraphs)))
        counts: Counter[str] = Counter()
        capitalised: Counter[str] = Counter()
        for word, n in raw.items():
            low = word.lower()
            counts[low] += n
            if word[0].isupper():
                capitalised[low] += n
        speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=5)
        for word, n in counts.items():
            speller.create_dictionary_entry(word, n)
        for word in FUNCTION_WORDS - counts.keys():
            speller.create_dictionary_entry(word, 1)
        return cls(dict(counts), dict(capitalised), speller)

    def name_like(self, word: str, share: float) -> bool:
        """True when the index writes ``word`` capitalised at least ``share`` of the time."""
        n = self.counts.get(word, 0)
        return n > 0 and self.capitalised.get(word, 0) >= share * n


_vocabularies: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_vocabulary_lock = threading.Lock()


def vocabulary(store: SearchBackend, settings: SpellingSettings = DEFAULT_SPELLING) -> Vocabulary:
    """The vocabulary of an opened index, built on first use and kept with it until the index changes.

    Args:
        store: The opened index.
        settings: ``sample`` bounds the passages read.
    """
    stamp = (getattr(store, "version", None), len(store))
    with _vocabulary_lock:
        found = _vocabularies.get(store)
        if found is None or found[0] != stamp:
            found = (stamp, Vocabulary.from_texts(store.texts(settings.sample)))
            _vocabularies[store] = found
        return found[1]


def _penalty(word: str, candidate: str) -> int:
    """0 when ``candidate`` differs from ``word`` by one dropped, added or swapped letter, else 1."""
    if abs(len(word) - len(candidate)) == 1:
        short, long_ = sorted((word, candidate), key=len)
        rest = iter(long_)
        return 0 if all(ch in rest for ch in short) else 1
    diff = [i for i, (a, b) in enumerate(zip(word, candidate, strict=False)) if a != b]
    swapped = len(word) == len(candidate) and len(diff) == 2 and diff[1] == diff[0] + 1
    return 0 if swapped and word[diff[0]] == candidate[diff[1]] and word[diff[1]] == candidate[diff[0]] else 1


def _recase(typed: str, word: str) -> str:
    """``word`` in the casing the question used for the word it replaces."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


@dataclass
class _Word:
    start: int
    end: int
    text: str  # as typed (a possessive without its 's)
    low: str


def _words(question: str) -> list[_Word]:
    """The question's words, possessives reduced to their base ("Ukraine's" -> "Ukraine")."""
    found = []
    for m in _WORD.finditer(question):
        text = m.group()
        possessive = _POSSESSIVE.fullmatch(text)
        if possessive:
            text = possessive.group(1)
        found.append(_Word(m.start(), m.start() + len(text), text, text.lower()))
    return found


def _suspect(word: _Word, names: set[str], settings: SpellingSettings) -> bool:
    """True for a word that spelling may change: not short, a number, an acronym or brand ("NATO",
    "iPhone", "OpenAI"), a function word or a word of an outlet's name."""
    text = word.text
    return (text.isalpha() and len(text) >= settings.min_letters and text[1:] == text[1:].lower()
            and word.low not in FUNCTION_WORDS and word.low not in names)


def _unknown(store: SearchBackend, suspects: list[int], words: list[_Word]) -> list[int]:
    """The suspects (indexes into ``words``) whose BM25 stem no passage of the index contains."""
    stems = {i: tokenize(words[i].text) for i in suspects}
    asked = sorted({s[0] for s in stems.values() if s})
    if not asked:
        return []
    idf = dict(zip(asked, store.idf(asked).tolist(), strict=True))
    n = max(len(store), 1)
    never = float(np.log(1 + (n + 0.5) / 0.5))  # the IDF of a term no passage contains
    return [i for i, s in stems.items() if s and idf[s[0]] > never - 0.3]


def correct_spelling(question: str, store: SearchBackend, names: Sequence[str] = (),
                     settings: SpellingSettings = DEFAULT_SPELLING) -> str:
    """The question with its misspelled words corrected against the index's vocabulary.

    Args:
        question: A validated question.
        store: The index searched (its vocabulary is built on the first question that needs it).
        names: The index's outlet names (their words are never changed).
        settings: Word lengths, the real-word ratio, the capitalised share, the sample.

    Returns:
        ``question`` itself when no word needs correcting, else the question with each corrected word
        replaced in place (same casing, same punctuation and spacing).
    """
    words = _words(question)
    outlet_words = {w.lower() for name in names for w in _TEXT_WORD.findall(name)}
    unknown = _unknown(store, [i for i, w in enumerate(words) if _suspect(w, outlet_words, settings)], words)
    if not unknown:
        return question
    vocab = vocabulary(store, settings)
    english = _english()
    chosen = [w.low for w in words]
    todo = [i for i in unknown if words[i].low not in vocab.counts]
    for i in todo:  # words no dictionary knows: the closest word of the index
        if words[i].low not in english:
            chosen[i] = _closest(words[i], vocab, i == 0, settings) or words[i].low
    for i in todo:  # English words the index lacks: only when the neighbours call for another word
        if words[i].low in english:
            left = chosen[i - 1] if i > 0 else ""
            right = chosen[i + 1] if i + 1 < len(words) else ""
            chosen[i] = _in_context(words[i], left, right, vocab, i == 0, english, settings) or words[i].low
    out = question
    for w, word in reversed(list(zip(words, chosen, strict=True))):
        if word != w.low:
            out = out[:w.start] + _recase(w.text, word) + out[w.end:]
    return out


def _candidates(word: _Word, vocab: Vocabulary, distance: int, first: bool, settings: SpellingSettings,
                short_names: bool = False) -> list:
    """SymSpell suggestions within ``distance`` that the word may become.

    The first letter is kept, and the last one unless two letters swap ("dose" -> "does"). A capitalised
    word (a name, perhaps) becomes a function word only when it opens the question ("Wich"), else only a
    word the index writes capitalised, one dropped, added or swapped letter away, when it is long
    ("Zelenksy" -> "Zelensky"; "Mayow" and "Serban" stay), or short too when ``short_names`` (the
    neighbours vouch for it: "National Gard").
    """
    from symspellpy import Verbosity

    low, capital = word.low, word.text[:1].isupper()
    found = []
    for s in vocab.speller.lookup(low, Verbosity.ALL, max_edit_distance=distance):
        term, simple = s.term, s.distance == 1 and _penalty(low, s.term) == 0
        if term == low or term[0] != low[0] or (term[-1] != low[-1] and not (simple and len(term) == len(low))):
            continue
        if capital and not (first and term in FUNCTION_WORDS) and not (
                term not in FUNCTION_WORDS and vocab.name_like(term, settings.name_share)
                and simple and (short_names or len(low) >= settings.min_name_letters)):
            continue
        found.append(s)
    return found


def _closest(word: _Word, vocab: Vocabulary, first: bool, settings: SpellingSettings) -> str | None:
    """The index word closest to a non-word: fewest edits, the commonest typo kind, the most printed (two
    edits only for a long word)."""
    distance = 2 if len(word.low) >= settings.long_word else 1
    found = _candidates(word, vocab, distance, first, settings)
    if not found:
        return None
    best = min(found, key=lambda s: (s.distance, _penalty(word.low, s.term) if s.distance == 1 else 0, -s.count))
    return best.term


def _in_context(word: _Word, left: str, right: str, vocab: Vocabulary, first: bool, english: dict[str, int],
                settings: SpellingSettings) -> str | None:
    """A much commoner word one dropped, added or swapped letter away (only swapped for a function word:
    "dose" -> "does", never "land" -> "and") that an English bigram joins to the neighbours, when none
    joins ``word`` itself; None otherwise."""
    bigrams = _bigrams()

    def joined(term: str) -> int:
        return bigrams.get(f"{left} {term}", 0) + bigrams.get(f"{term} {right}", 0)

    if len(word.low) < settings.min_real_word or joined(word.low):
        return None
    floor = settings.real_word_ratio * english[word.low]
    found = [(joined(s.term), s.count, s.term) for s in _candidates(word, vocab, 1, first, settings, short_names=True)
             if english.get(s.term, 0) >= floor and _penalty(word.low, s.term) == 0
             and (s.term not in FUNCTION_WORDS or len(s.term) == len(word.low))]
    best = max(found, default=None)
    return best[2] if best is not None and best[0] > 0 else None
