"""Generated documentation stays in step with the code."""

import pytest

from bot.diagrams import DIAGRAMS, DOCS


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_diagrams_are_generated_from_the_machines(name: str) -> None:
    current = (DOCS / name).read_text(encoding="utf-8")
    assert current == DIAGRAMS[name](), "run `otbot diagram` and commit docs/"
    assert "-->" in current
