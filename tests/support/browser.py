"""Debian's Chromium through Playwright, for the browser tests of the preview and the demo.
Without either the tests are skipped (`skip_without_browser`), except in CI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(
    os.environ.get("OTBOT_ARTEFACTS", Path(__file__).parent.parent.parent / "build/artefacts")
)


def skip_without_browser() -> None:
    """Skip the calling test module when Chromium or Playwright is missing (not in CI)."""
    if not os.environ.get("CI"):
        if not CHROMIUM.exists():
            pytest.skip(
                "Debian's chromium is not installed (see .ci/run)", allow_module_level=True
            )
        pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per module."""
    from playwright.sync_api import sync_playwright  # only where the module was not skipped

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()
