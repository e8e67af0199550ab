"""Generated documentation stays in step with the code."""

import re

import pytest

from bot.config import DEFAULT_LISTEN, Settings, load_settings
from bot.diagrams import DIAGRAMS, DOCS
from bot.runtime.health import MAX_BODY


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_diagrams_are_generated_from_the_machines(name: str) -> None:
    current = (DOCS / name).read_text(encoding="utf-8")
    assert current == DIAGRAMS[name](), "run `otbot diagram` and commit docs/"
    assert "-->" in current


def test_every_setting_is_in_the_readme_settings_table() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    missing = [
        f"OTBOT_{name.upper()}"
        for name in Settings.model_fields
        if f"| `OTBOT_{name.upper()}` |" not in table
    ]
    assert missing == []


def test_the_proxy_snippet_passes_the_readme_webhook_path_to_the_default_listener() -> None:
    root = DOCS.parent
    snippet = (root / "deploy" / "nginx-otbot.conf").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    example = re.search(r"^OTBOT_WEBHOOK_URL=(\S+)$", readme, re.MULTILINE)
    assert example is not None, "the README shows an OTBOT_WEBHOOK_URL"
    path = load_settings(webhook_url=example.group(1)).webhook_path
    assert f"location = {path} {{" in snippet
    assert f"proxy_pass http://{DEFAULT_LISTEN};" in snippet, "the path is passed unchanged"
    assert "client_max_body_size 1m;" in snippet
    assert MAX_BODY == 1024 * 1024


def test_the_readme_says_staff_are_administrators_at_most_50_made_before_upgrading() -> None:
    readme = " ".join((DOCS.parent / "README.md").read_text(encoding="utf-8").split())
    upgrading = readme.split("### Upgrading", 1)[1].split(" ### ", 1)[0]
    assert "make every therapist an administrator of the staff group before upgrading" in (
        upgrading.replace("**", "")
    )
    assert "at most 50 administrators in a group" in upgrading
    assert "Telegram allows at most 50 administrators in a group" in readme
