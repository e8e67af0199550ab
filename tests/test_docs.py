"""Generated documentation stays in step with the code."""

from bot.diagrams import DOCS, menu_diagram


def test_the_menu_diagram_is_generated_from_the_machine() -> None:
    current = (DOCS / "menu.md").read_text(encoding="utf-8")
    assert current == menu_diagram(), "run `otbot diagram` and commit docs/menu.md"
    assert "ABOUT --> ABOUT_VISITS: visits" in current
