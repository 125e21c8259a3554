import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.segment import chunk_paragraphs, passage_id, sentences
from qa.types import Article

pytestmark = pytest.mark.fast


def test_sentences_keep_offsets_on_abbreviations():
    text = 'U.S. troops arrived at 5 p.m. on Monday. He said "Hi." Then  left.'
    spans = sentences(text)
    assert [text[a:b] for a, b in spans] == ["U.S. troops arrived at 5 p.m. on Monday.", 'He said "Hi."',
                                           "Then  left."]


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_sentence_spans_are_trimmed_ordered_slices(text):
    spans = sentences(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        piece = text[a:b]
        assert piece == piece.strip() and piece
        last = b


def test_giant_paragraph_is_windowed_with_offsets():
    para = " ".join(f"Sentence number {i} says something." for i in range(400))
    chunks = chunk_paragraphs(Article("t", "o", (para,)))
    assert len(chunks) > 5
    for c in chunks:
        assert para[c.offset:c.offset + len(c.text)] == c.text
        assert len(c.text.split()) <= 150
    one_sentence = "word " * 1000
    chunks = chunk_paragraphs(Article("t", "o", (one_sentence.strip(),)))
    assert all(len(c.text.split()) <= 150 for c in chunks) and len(chunks) == 7


def test_passage_ids_are_stable_positive_and_distinct():
    a = passage_id("art", "text", 1)
    assert a == passage_id("art", "text", 1) and 0 < a < 2**63
    assert a != passage_id("other", "text", 1) != passage_id("art", "text", 2)
