"""Imports go only downwards: doors → application → stages → project → base.

Every module under ``src/roughcut`` is parsed with :mod:`ast` (imports inside functions count too)
and each ``roughcut`` import is checked against :data:`LAYERS`: a module may import its own layer
and any layer below it, never one above. ``docs/developers.md`` explains the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import roughcut

#: The layers, top to bottom, each a name and the module prefixes it holds. A module may import
#: modules of its own layer and of layers below it. Stages are ordered among themselves too: a stage
#: may use one listed below it (the script model, a text measure, a signal from ``audio``), never
#: one above (``speech`` does not import ``vision``; ``edit`` does not import ``export``).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("door", ("roughcut._cli", "roughcut.web", "roughcut.__main__")),
    ("application", ("roughcut.app", "roughcut.demo")),
    # search reads every stage's results and writes its bins through export's one writer
    ("stage search", ("roughcut.search",)),
    # picture tools write their files through the one writer of ``export.files``
    ("stage picture", ("roughcut.picture",)),
    ("stage summary", ("roughcut.summary",)),  # reads analyses, writes through export's one writer
    # alternate versions (temp ADR, clean versions) build on speech and audio
    ("stage alternate", ("roughcut.alternate",)),
    ("stage export", ("roughcut.export",)),
    ("stage edit", ("roughcut.edit",)),
    ("stage vision", ("roughcut.vision",)),
    ("stage speech", ("roughcut.speech",)),
    ("stage audio", ("roughcut.audio",)),
    ("stage script", ("roughcut.script",)),
    ("stage text", ("roughcut.text",)),
    ("project", ("roughcut.project", "roughcut.config")),
    ("base", ("roughcut.media", "roughcut.store", "roughcut._codec", "roughcut.progress", "roughcut.errors")),
)
#: Modules placed by their exact name only (a prefix here would hide a new top-level module).
EXACT = {"roughcut": "base"}

SOURCE = Path(roughcut.__file__).resolve().parent


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of ``module`` (0 is the top), by its longest matching prefix."""
    if module in EXACT:
        return next(i for i, (name, _) in enumerate(LAYERS) if name == EXACT[module])
    best, index = -1, -1
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), rank
    if index < 0:
        raise AssertionError(f"{module}: in no layer of LAYERS (tests/test_layers.py); add it to one")
    return index


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """Every ``roughcut`` module ``path`` imports, with the line, wherever the import statement is."""
    text = path.read_text(encoding="utf-8")
    return imports_in(text, module_name(path), is_package=path.name == "__init__.py")


def imports_in(text: str, name: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    """Every ``roughcut`` module the source ``text`` of module ``name`` imports, with the line."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
    return [(target, line) for target, line in found if target.split(".")[0] == "roughcut"]


def upward_imports() -> list[str]:
    """``path:line: module (layer) imports target (layer above)`` for every upward edge."""
    edges = []
    for path in sorted(SOURCE.rglob("*.py")):
        module = module_name(path)
        here = layer_of(module)
        for target, line in imports(path):
            there = layer_of(target)
            if there < here:
                edges.append(
                    f"{path.relative_to(SOURCE.parent)}:{line}: {module} ({LAYERS[here][0]}) imports "
                    f"{target} ({LAYERS[there][0]})"
                )
    return edges


def test_every_module_is_in_a_layer() -> None:
    for path in SOURCE.rglob("*.py"):
        layer_of(module_name(path))


def test_imports_only_go_downwards() -> None:
    edges = upward_imports()
    assert not edges, f"{len(edges)} upward imports:\n" + "\n".join(edges)


def test_the_check_sees_imports_inside_functions() -> None:
    """Relative and absolute imports buried in a function are found, so the check above can fail."""
    text = "def f():\n    from ..app import edit\n    import roughcut._cli.edit\n    from . import cut\n"
    found = imports_in(text, "roughcut.edit.probe")
    assert found == [("roughcut.app", 2), ("roughcut._cli.edit", 3), ("roughcut.edit", 4)]
    assert [layer_of(m) < layer_of("roughcut.edit.probe") for m, _ in found] == [True, True, False]
