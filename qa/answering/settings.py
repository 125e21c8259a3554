"""The tunable numbers of the answer path, in typed settings objects (tuned on the dev data).

:class:`qa.settings.Settings` holds one of each, with the index's (:mod:`qa.index.settings`).

Components take a settings object as an argument (default: the tuned values), so an experiment or
a test changes one field without touching module constants.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_FOLLOWUP", "DEFAULT_QUOTES", "DEFAULT_READER", "DEFAULT_RETRIEVAL", "DEFAULT_SPELLING",
           "FollowupSettings", "QuoteSettings", "ReaderSettings", "RetrievalSettings", "SpellingSettings"]


@dataclass(frozen=True)
class RetrievalSettings:
    """How dense and lexical rankings are fused, re-ranked and routed.

    Attributes:
        pool: Candidates taken from each retriever before fusion (at least ``pool_per_k * k``).
        pool_per_k: Candidates per passage asked for, when that is more than ``pool``.
        rrf_k: The constant of reciprocal-rank fusion.
        dense_weight: Weight of the FAISS ranking in the fusion.
        lexical_weight: Weight of the BM25 ranking in the fusion.
        lexical_min_share: BM25 hits scoring under this share of the best one get no rank credit.
        rerank_depth: Fused candidates re-scored by question-sentence similarity (0 or 1: off).
        rerank_weight: Weight of the sentence max-sim rank added to the fused score.
        tail_scale: The ranking below the re-ranked head is scaled under its lowest score by this factor.
        clause_weight: Weight of a named source's own clause against the whole question.
        clause_min_tokens: A clause with fewer search words is not searched on its own.
        claim_min_words: A joined claim ("..., while ...") shorter than this stays with the piece before it.
        date_slack_days: Days either side of a date the question names ("on October 31, 2023"): publication
            times are stored in UTC.
    """

    pool: int = 100
    pool_per_k: int = 4
    rrf_k: int = 20
    dense_weight: float = 1.0
    lexical_weight: float = 2.0
    lexical_min_share: float = 0.02
    rerank_depth: int = 20
    rerank_weight: float = 1.0
    tail_scale: float = 0.99
    clause_weight: float = 1.0
    clause_min_tokens: int = 3
    claim_min_words: int = 5
    date_slack_days: int = 1


@dataclass(frozen=True)
class QuoteSettings:
    """How sentences are scored, quotes shaped, confidence calibrated and answers abstained.

    Attributes:
        sent_cos: Weight of the question-sentence cosine.
        sent_lex: Weight of the share of the question's (IDF-weighted) words in the sentence.
        pass_cos: Weight of the question-passage cosine.
        sent_bigram: Weight of the share of the question's adjacent word pairs found in the sentence.
        context_lex: Weight of the question words the neighbouring sentences add.
        answer_type: Bonus for a sentence holding the kind of answer asked for (date, number).
        long_word: Penalty per word beyond ``long_from`` words (shorter quotes win ties).
        long_from: Sentence length (words) from which ``long_word`` applies.
        cal_slope: Slope of the logistic map from raw score to confidence.
        cal_mid: Raw score that maps to confidence 0.5.
        abstain_below: The answer abstains when its best quote's confidence is under this.
        corroborate_within: A quote corroborates when its confidence is at least this share of
            the best quote's for the same part of the question...
        corroborate_floor: ... and at least this.
        min_quote_words: A shorter sentence takes in the sentences after it.
        max_joined_words: A pronoun sentence takes in the one before it only up to this length.
        join_within: A neighbouring sentence scoring within this of the best joins the quote...
        join_max_words: ... when the two stay within this many words.
        trim_above: A longer quote is cut to its best run of whole clauses...
        trim_to: ... of at most this many words.
        named_overlap: Search words (outlet names aside) a passage of an outlet the question names shares
            with the question for that outlet's best quotes to be shown.
        named_new_words: ... and that its third and later passages bring, which the outlet's passages shown
            before lack (another claim the question asks of it).
    """

    sent_cos: float = 0.45
    sent_lex: float = 0.40
    pass_cos: float = 0.20
    sent_bigram: float = 0.10
    context_lex: float = 0.10
    answer_type: float = 0.08
    long_word: float = 0.0006
    long_from: int = 15
    cal_slope: float = 14.0
    cal_mid: float = 0.49
    abstain_below: float = 0.2
    corroborate_within: float = 0.50
    corroborate_floor: float = 0.30
    min_quote_words: int = 6
    max_joined_words: int = 30
    join_within: float = 0.10
    join_max_words: int = 50
    trim_above: int = 50
    trim_to: int = 40
    named_overlap: int = 2
    named_new_words: int = 1


@dataclass(frozen=True)
class ReaderSettings:
    """How the trained reader is used and how its scores become confidence.

    Attributes:
        window_words: Words of whole sentences read around each passage's best quote.
        lead_window_words: Words read around the best quote of all (the first passage the sentence scorer
            ranks): a wider window there finds answers a sentence or two from the best-scored one.
        max_answer_tokens: Longest short answer, in word pieces.
        calibration: Logistic weights over (1, reader margin, span probability, sentence score),
            fitted on the dev data by ``qa calibrate-reader`` and read from the model's ``reader.json``.
        abstain_below: The answer abstains when its best quote's confidence is under this.
        span_calibration: Logistic weights over the same features, then the other quoted readings that found
            the same answer, the quote's confidence lead over them, the log-odds of the probability of every
            span overlapping the answer and whether the span has the shape the question asks for
            (:func:`qa.answering.shown.span_features`),
            giving the probability that the span itself is right (token F1 >= 0.5 with a gold answer), fitted
            by ``qa calibrate-reader``; None: the span's own probability stands in.
        show_span_above: A short answer is marked only when that probability reaches this.
        show_span_gap: ... and only when the reader's span outscores every span sharing no word with it, in the
            window read, by this many logits: with another answer nearly as likely ("to 25, down from 27 years
            old": "27 years old" 11.2, "25" 10.5) the reader does not know which, and neither does the user.
            (1 logit: at 2, a fifth of SQuAD's top spans were held back, half of them right.)
        hedge_below: An answer whose best quote's confidence is under this (but not under ``abstain_below``)
            is tentative (:attr:`qa.Answer.tentative`): the chat says its quotes may not answer (not for a
            yes/no question, nor "What does A say about X?": no span answers them). On SQuAD's eval
            split 0.035 of the answers are tentative, and their top quote holds the gold answer 0.455 of the time.
        corroborate_within: Another outlet's quote corroborates when the reader found the same answer
            in it and its confidence is at least this share of the best quote's for the same part (and
            not under ``abstain_below``); the best quote of each part of the question stands on its own.
        position_margin: An outlet takes a position (says what the answer is) when the reader's margin on
            its passage reaches this (answering passages score >= 5, others <= -1 on the dev data) and its
            confidence is at least ``corroborate_within`` of the most confident reading's.
        extra_outlets: Outlets missing from the first ``k`` passages whose best passage further down (by its
            best sentence's score) is read too (in the same reader call), so each outlet that answers is heard.
        named_quotes: Quotes (from different passages) shown for each outlet the question names; the
            third and later ones only when they bring words of the question the earlier ones lack. Each
            named outlet's further passages are read, best sentence score first, until it has this many.
        margin_clip: The reader's margin (span logit minus no-answer logit) is clipped to plus or minus this.
        retrieve_per_k: With a reader, passages retrieved per passage quoted (the rest: candidates for other
            outlets' best and named outlets' further quotes).
    """

    window_words: int = 60
    lead_window_words: int = 60
    max_answer_tokens: int = 30
    calibration: tuple[float, float, float, float] = (-6.86, 0.25, 1.0, 14.0)
    span_calibration: tuple[float, ...] | None = None
    abstain_below: float = 0.2
    show_span_above: float = 0.5
    show_span_gap: float = 1.0
    hedge_below: float = 0.2
    corroborate_within: float = 0.5
    position_margin: float = 2.0
    extra_outlets: int = 5
    named_quotes: int = 4
    margin_clip: float = 30.0
    retrieve_per_k: int = 4

    @classmethod
    def from_config(cls, config: dict) -> ReaderSettings:
        """The settings stored with a reader (its ``reader.json`` ``answering`` object); defaults for the rest."""
        known = {f: config[f] for f in cls.__dataclass_fields__ if f in config}
        for name in ("calibration", "span_calibration"):
            if known.get(name) is not None:
                known[name] = tuple(float(w) for w in known[name])
        return cls(**known)


@dataclass(frozen=True)
class FollowupSettings:
    """How a follow-up question is resolved from the conversation (:mod:`qa.answering.followup`).

    Attributes:
        history_turns: The latest turns a follow-up is resolved from.
        topic_words: Longest topic phrase taken from an earlier question ("the decree ..."), after its determiner.
        subject_within: A pronoun right after an auxiliary among the question's first this many words is its
            subject and points to an earlier turn ("When did he sign it?").
    """

    history_turns: int = 6
    topic_words: int = 3
    subject_within: int = 5


@dataclass(frozen=True)
class SpellingSettings:
    """How a question's misspelled words are corrected against the index's vocabulary (``spelling.py``).

    Attributes:
        min_letters: Shorter words are never corrected.
        min_real_word: Shorter English words are never replaced by another word.
        long_word: Words of this many letters or more may be corrected at edit distance 2 (else 1;
            always 1 for a capitalised word).
        real_word_ratio: An English word the index lacks is replaced (when its neighbours say so) only
            by a word at least this many times more frequent in English.
        name_share: A capitalised word is replaced only by a function word or by a word the index
            writes capitalised at least this share of the time.
        min_name_letters: Shorter capitalised words are replaced only by function words (names that
            one letter tells apart: "Mayow", "Mayo").
        sample: Most passages whose words make the vocabulary (spread over the index).
    """

    min_letters: int = 4
    min_real_word: int = 4
    long_word: int = 10
    real_word_ratio: float = 10.0
    name_share: float = 0.5
    min_name_letters: int = 7
    sample: int = 200_000


DEFAULT_RETRIEVAL = RetrievalSettings()
DEFAULT_QUOTES = QuoteSettings()
DEFAULT_READER = ReaderSettings()
DEFAULT_FOLLOWUP = FollowupSettings()
DEFAULT_SPELLING = SpellingSettings()
