"""The import directions of DESIGN.md, checked on the source so the graph cannot drift."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower ranks are imported by higher ones, never the other way (DESIGN.md, "Imports flow one way").
RANKS = {
    **dict.fromkeys(
        [
            "config",
            "extensions",
            "database",
            "money",
            "clock",
            "forms",
            "templating",
            "errors",
            "security",
            "health",
            "media",
            "signals",
            "page_cache",
            "urls",
            "origin",
            "page_context",
            "ip",
            "backup",
            "logs",
        ],
        0,
    ),
    "mail": 1,
    "audit": 1,  # the record keeper: who saw whose data; imports nothing domain-specific
    "catalog": 2,
    "accounts": 2,
    "consent": 3,
    "orders": 3,
    "cases": 3,  # complaints, withdrawals, questions: referenced by order pages and privacy
    "clickstream": 4,
    "personal": 4,
    "newsletter": 4,
    "cart": 4,
    "privacy": 5,
    "demo": 5,
    "mypage": 6,
    "admin": 6,
    "cli": 7,  # assembles the domains' commands
    "": 8,  # bkm/__init__.py: create_app
}
VIEW_MODULES = {"views", "forms"}  # the top of a package: may call any domain's rules
CLICKSTREAM_MUST_NOT_KNOW = {"accounts", "orders", "personal"}  # R2.2: no path to a person


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: use absolute imports"
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def bkm_area(module: str) -> str | None:
    """'bkm.catalog.models' -> 'catalog'; 'bkm' -> ''; other modules -> None."""
    if module == "bkm":
        return ""
    if module.startswith("bkm."):
        return module.split(".")[1]
    return None


BKM_FILES = python_files("bkm")


@pytest.mark.parametrize("path", BKM_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bkm_imports_flow_one_way(path):
    module = module_name(path)
    area = bkm_area(module)
    assert area in RANKS, f"{module}: add bkm.{area} to RANKS in this test and DESIGN.md"
    name = module.split(".")[-1]
    is_view = name in VIEW_MODULES or name.endswith("_views")  # e.g. accounts.case_views
    for imported in imported_modules(path):
        target = bkm_area(imported)
        if target is None or target == area or RANKS.get(target) == RANKS[area] == 0:
            continue  # outside bkm, within the package, or one base module using another
        assert target in RANKS, f"{module} imports unknown area bkm.{target}"
        # A domain's views may call any domain's rules, never an audience blueprint.
        top_of_domain = is_view and RANKS[area] < RANKS["mypage"]
        allowed = RANKS[target] < (RANKS["mypage"] if top_of_domain else RANKS[area])
        assert allowed, f"{module} (rank {RANKS[area]}) must not import {imported}"


@pytest.mark.parametrize("path", BKM_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bkm_never_imports_analytics_pandas_or_plotly_except_the_factory(path):
    heavy = {m.split(".")[0] for m in imported_modules(path)} & {"analytics", "pandas", "plotly"}
    if module_name(path) == "bkm":
        heavy.discard("analytics")  # the one seam: analytics.init_app(app)
    assert not heavy, f"{path.relative_to(ROOT)} imports {heavy}"


def test_clickstream_has_no_import_path_to_a_person():
    for path in python_files("bkm/clickstream") if (ROOT / "bkm/clickstream").exists() else []:
        areas = {bkm_area(m) for m in imported_modules(path)}
        assert not areas & CLICKSTREAM_MUST_NOT_KNOW, path


@pytest.mark.parametrize("path", python_files("analytics"), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_analytics_sources_imports_shop_models(path):
    if path.name == "sources.py":
        return
    models = {m for m in imported_modules(path) if m.startswith("bkm.") and ".models" in m}
    assert not models, f"{path.relative_to(ROOT)} reads shop models directly: {models}"


def test_the_rules_themselves_catch_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from bkm.admin.views import x\n")
    assert "bkm.admin.views" in imported_modules(bad)
    assert RANKS["admin"] > RANKS["catalog"]
