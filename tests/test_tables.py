"""Every Markdown table the project generates (README, scorecard, claims tables, study pages) has the header's number
of columns in every row: an unescaped `|` in a measured text used to shift a row's cells and hide its verdict."""
import re

import pytest

from ckpt_study.core import load_settings
from ckpt_study.docs import study_page
from ckpt_study.pipeline import all_studies, published_claims_markdown, scorecard_markdown

CELL = re.compile(r"(?<!\\)\|")


def tables(markdown: str) -> list[list[str]]:
    out, cur = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            cur.append(line)
        elif cur:
            out.append(cur); cur = []
    return out


def check(markdown: str, where: str) -> int:
    n = 0
    for t in tables(markdown):
        width = len(CELL.findall(t[0]))
        for row in t:
            assert len(CELL.findall(row)) == width, f"{where}: {row[:160]}"
            n += 1
    return n


def test_readme_tables():
    assert check((load_settings().root / "README.md").read_text(), "README.md") > 20


def test_scorecard_and_claims_tables():
    assert check(scorecard_markdown() + "\n\n" + published_claims_markdown(), "scorecard") > 10


@pytest.mark.parametrize("slug", sorted(all_studies()))
def test_study_page_tables(slug):
    check(study_page(all_studies()[slug], load_settings().figures_dir, "../../figures"), f"{slug} page")
