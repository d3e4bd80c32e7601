"""Every excerpt is located in the article at validation: offsets that slice back to it,
whitespace aside, and a located error for an excerpt that is not the article's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import SHIPPED, facts_file
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import examples
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile import excerpts
from kzafrica.factfile.errors import DataError
from kzafrica.store import access

ARTICLE = access.packaged_article()
RUNNER = CliRunner()


def squash(text: str) -> str:
    return " ".join(text.split())


def records(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for value in facts.values() for r in value]


def test_every_excerpt_slices_back_from_its_offsets() -> None:
    facts = access.load().facts
    checked = 0
    for record in records(facts):
        assert len(record["evidence_at"]) == len(record["evidence"]), record.get("id")
        for excerpt, at in zip(record["evidence"], record["evidence_at"], strict=True):
            assert at["article"] == "astana-2025-06-03"  # the one article
            assert 0 <= at["start"] < at["end"] <= len(ARTICLE)
            assert squash(ARTICLE[at["start"] : at["end"]]) == squash(excerpt)
            # The first occurrence: the excerpt is nowhere earlier.
            assert squash(excerpt) not in squash(ARTICLE[: at["end"] - 1])
            checked += 1
    assert checked > 100


def test_offsets_are_in_the_machine_output_beside_the_evidence() -> None:
    result = RUNNER.invoke(app.app, ["trade", "--json"])
    assert result.exit_code == 0, result.stderr
    import json

    for record in json.loads(result.stdout):
        keys = list(record)
        assert keys[-2:] == ["evidence_at", "evidence"]
        for excerpt, at in zip(record["evidence"], record["evidence_at"], strict=True):
            assert ARTICLE[at["start"] : at["end"]] == excerpt  # these are exact copies


def test_an_excerpt_may_differ_from_the_article_in_whitespace_only() -> None:
    text = "One  two\nthree.\n\nFour five."
    finder = excerpts.Finder(text)
    assert finder.find("two three.") == (5, 15)
    assert text[5:15] == "two\nthree."
    assert finder.find("three. Four") == (9, 21)  # across the blank line
    assert finder.find("One two") == (0, 8)
    assert finder.find("twothree") is None
    assert finder.find("six") is None


def test_the_first_occurrence_is_taken() -> None:
    finder = excerpts.Finder("a cat, a cat\nand a  cat")
    assert finder.find("a cat") == (0, 5)
    assert finder.find("and a cat") == (13, 23)


@given(
    st.lists(st.text(alphabet="abc ", min_size=1, max_size=4), min_size=1, max_size=8),
    st.data(),
)
def test_found_offsets_slice_back_modulo_whitespace(words: list[str], data: Any) -> None:
    # An article of words joined by random whitespace; any run of its words, written with
    # single spaces, is found at offsets whose text is the same run.
    gaps = data.draw(st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", " \t "]), min_size=8))
    text = "".join(w + g for w, g in zip(words, gaps, strict=False)).strip()
    tokens = text.split()
    if not tokens:
        return
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first, len(tokens) - 1))
    excerpt = " ".join(tokens[first : last + 1])
    span = excerpts.Finder(text).find(excerpt)
    assert span is not None
    assert squash(text[span.start : span.end]) == excerpt
    assert not text[span.start].isspace()
    assert not text[span.end - 1].isspace()


def line_of(text: str, needle: str) -> int:
    (index,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return index


def test_an_excerpt_not_in_the_article_fails_validation_at_its_line(tmp_path: Path) -> None:
    old = "      - 'In 2024, trade volume reached $783 million'"
    new = "      - 'In 2024, trade volume reached $784 million'"
    path = facts_file(tmp_path, (old, new))
    result = RUNNER.invoke(app.app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    line = line_of(path.read_text(encoding="utf-8"), "$784 million")
    (problem,) = result.stderr.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(path))}:{line}:9: trade\.\d+\.evidence\.0: not in the article"
        r" astana-2025-06-03; .* \(record 'trade-2024'\)",
        problem,
    ), problem
    # The query commands refuse the file the same way.
    assert RUNNER.invoke(app.app, ["--data", str(path), "trade", "--json"]).exit_code == 1


def test_excerpt_problems_come_with_the_models_problems(tmp_path: Path) -> None:
    # One round of fixes: a model error elsewhere does not hide the excerpt's problem.
    path = facts_file(
        tmp_path,
        ("      - 'In 2024, trade volume reached $783 million'", "      - 'not the article'"),
        (
            "  - id: visit-kagame-2015\n    status: held",
            "  - id: visit-kagame-2015\n    status: done",
        ),
    )
    with pytest.raises(DataError) as caught:
        access.validate(str(path), path.read_bytes())
    messages = [p.message for p in caught.value.problems]
    assert any("not in the article" in m for m in messages), messages
    assert any("got 'done'" in m for m in messages), messages


def test_whitespace_differences_are_not_errors(tmp_path: Path) -> None:
    old = "      - 'In 2024, trade volume reached $783 million'"
    path = facts_file(tmp_path, (old, "      - 'In 2024,   trade volume reached $783 million'"))
    dataset = access.validate(str(path), path.read_bytes())
    (trade,) = [t for t in dataset.facts["trade"] if t["id"] == "trade-2024"]
    at = trade["evidence_at"][0]
    assert ARTICLE[at["start"] : at["end"]] == "In 2024, trade volume reached $783 million"


@pytest.mark.parametrize("source", ["other.txt", "../facts.yaml", "/etc/passwd", ".hidden"])
def test_the_article_source_must_be_a_shipped_article(tmp_path: Path, source: str) -> None:
    path = facts_file(tmp_path, ("    source: article.txt", f"    source: '{source}'"))
    with pytest.raises(DataError) as caught:
        access.validate(str(path), path.read_bytes())
    (problem,) = caught.value.problems
    assert problem.path == ("articles", 0, "source")
    assert problem.line == line_of(SHIPPED, "    source: article.txt")
    assert "no article file named" in problem.message
    assert "article.txt" in problem.message  # the choices


def test_sentences_of_the_article() -> None:
    found = [ARTICLE[s.start : s.end] for s in excerpts.sentences(ARTICLE)]
    assert found[0].startswith("date 2025-06-03 ASTANA")
    assert all(re.search(r"[.!?][”’\"]?$", s) for s in found), found
    # Headings are not sentences.
    assert "Multilateral cooperation" not in found
    assert not any(s.startswith("Growing high-level visits") for s in found)
    # A quote of several sentences is split; "said X" stays with its sentence.
    assert "Economic impact is rising as well." in found
    assert "In 2024, trade volume reached $783 million,” said Smadiyarov." in found
    assert squash(" ".join(found)) == squash(
        " ".join(
            p
            for p in ARTICLE.split("\n\n")
            if p.strip()
            and p.strip()
            not in {
                "Growing high-level visits",
                "Important priority for Kazakhstan",
                "Kazakhstan’s expanding diplomatic presence",
                "Multilateral cooperation",
            }
        )
    )


def test_paragraphs_are_blocks_between_blank_lines() -> None:
    text = "\n one\ntwo \n\n  \nthree\n"
    assert [text[p.start : p.end] for p in excerpts.paragraphs(text)] == ["one\ntwo", "three"]


def pin(tmp_path: Path, word: str, occurrences: str | None) -> Path:
    """The shipped facts with the word as the first excerpt of one statement, pinned."""
    start = SHIPPED.index("  - id: statement-multilateral-frameworks\n")
    end = SHIPPED.index("    evidence:\n", start) + len("    evidence:\n")
    old = SHIPPED[start:end]
    pinned = f"  - occurrences: {occurrences}\n    " if occurrences else "  - "
    return facts_file(tmp_path, (old, pinned + old[4:] + f"      - '{word}'\n"))


def test_a_record_can_pin_another_occurrence(tmp_path: Path) -> None:
    """An excerpt that occurs twice takes its first occurrence unless the record pins
    another with `occurrences`; pinning more occurrences than there are is located."""
    word = "African Union"
    first = ARTICLE.find(word)
    second = ARTICLE.find(word, first + 1)
    assert 0 <= first < second  # the article says it twice
    for occurrences, start in ((None, first), ("[1, 1]", first), ("[2, 1]", second)):
        path = pin(tmp_path, word, occurrences)
        dataset = access.validate(str(path), path.read_bytes())
        [record] = [
            r for r in dataset.facts["statements"] if r["id"] == "statement-multilateral-frameworks"
        ]
        assert record["evidence_at"][0]["start"] == start, occurrences
    path = pin(tmp_path, word, "[3, 1]")
    with pytest.raises(DataError) as info:
        access.validate(str(path), path.read_bytes())
    [problem] = info.value.problems
    assert "does not occur 3 times" in problem.message
    assert problem.line is not None
    path = pin(tmp_path, word, "[2]")
    with pytest.raises(DataError) as info:
        access.validate(str(path), path.read_bytes())
    assert "one number for each excerpt" in info.value.problems[0].message


def test_a_pin_shows_in_the_output_only_where_set(tmp_path: Path) -> None:
    plain = RUNNER.invoke(app.app, ["statements", "--json"])
    assert all("occurrences" not in r for r in json.loads(plain.stdout))
    path = pin(tmp_path, "African Union", "[2, 1]")
    pinned = RUNNER.invoke(
        app.app, ["--data", str(path), "show", "statement-multilateral-frameworks", "--json"]
    )
    assert json.loads(pinned.stdout)["occurrences"] == [2, 1]


def _naive_find(text: str, excerpt: str, occurrence: int) -> tuple[int, int] | None:
    """The finder's rule, the plain way: one index of the text per squashed character."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    squashed = " ".join(text[start:end] for start, end in words)
    to_text: list[int] = []
    for start, end in words:
        if to_text:
            to_text.append(to_text[-1] + 1)
        to_text.extend(range(start, end))
    wanted = " ".join(excerpt.split())
    at = squashed.find(wanted) if wanted else -1
    for _ in range(occurrence - 1):
        at = squashed.find(wanted, at + 1) if at >= 0 else -1
    return None if at < 0 else (to_text[at], to_text[at + len(wanted) - 1] + 1)


_PIECES = st.sampled_from(["a", "b", "ab", "é", " ", "  ", "\n", "\n\n", "\t", " \n ", "\u2028"])


@settings(max_examples=examples(300))
@given(st.lists(_PIECES, max_size=30).map("".join), st.data())
def test_the_finder_maps_back_as_one_index_per_character_would(text: str, data: Any) -> None:
    # The finder keeps a few numbers per paragraph, not one per character: the same spans.
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    occurrence = data.draw(st.integers(1, 2))
    found = excerpts.Finder(text).find(text[start:end], occurrence)
    assert (None if found is None else tuple(found)) == _naive_find(
        text, text[start:end], occurrence
    )
