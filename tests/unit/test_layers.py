"""An import rule of docs/architecture.md that import-linter's contracts (`lint-imports`, run
by .ci/run) do not state: no module imports one that imports it back, even from inside a
function."""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("bot")
    loops = {
        tuple(sorted((module, imported)))
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.find_shortest_chain(importer=imported, imported=module)
    }
    assert loops == set()
