"""`kpoctl init`: a new scorecard that lints clean, never overwriting without --force."""

from __future__ import annotations

import os

import pytest

from kpoctl.common import atomic


def test_init_then_lint_is_clean(run_cli, tmp_path):
    result = run_cli("init", tmp_path / "card")
    assert result.exit_code == 0
    card = tmp_path / "card"
    assert sorted(p.name for p in card.iterdir()) == ["company.yaml", "kpoctl.yaml", "operations.yaml", "schemas"]
    lint = run_cli("lint", card, "--fail-on", "info")
    assert lint.exit_code == 0 and "no findings" in lint.stdout
    for name in ("company.yaml", "operations.yaml"):
        assert (card / name).read_text().startswith("# yaml-language-server: $schema=schemas/team.schema.json\n")
    assert not any(p.name.startswith(".") for p in card.rglob("*"))  # the cache lives in the user's cache folder


def test_init_refuses_to_overwrite_without_force(run_cli, tmp_path):
    run_cli("init", tmp_path)
    (tmp_path / "company.yaml").write_text("team: mine\n")
    again = run_cli("init", tmp_path)
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr
    assert (tmp_path / "company.yaml").read_text() == "team: mine\n"
    assert run_cli("init", tmp_path, "--force").exit_code == 0
    assert (tmp_path / "company.yaml").read_text() != "team: mine\n"


def test_init_leaves_a_gitignore_alone_even_a_linked_one(run_cli, tmp_path):
    (tmp_path / "elsewhere").write_text("*.pyc")
    (tmp_path / "card").mkdir()
    (tmp_path / "card" / ".gitignore").symlink_to(tmp_path / "elsewhere")
    assert run_cli("init", tmp_path / "card").exit_code == 0
    assert (tmp_path / "elsewhere").read_text() == "*.pyc"


def test_init_on_an_unwritable_place_is_exit_2(run_cli, tmp_path):
    (tmp_path / "file").write_text("x")
    result = run_cli("init", tmp_path / "file" / "card")
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "company.yaml"
    target.write_text("old content\n")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic.write_text_atomic(target, "new content\n")
    assert target.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["company.yaml"]


def test_init_names_the_top_team_and_its_file_after_top(run_cli, tmp_path):
    assert run_cli("init", tmp_path / "card", "--top", "acme-2").exit_code == 0
    card = tmp_path / "card"
    assert sorted(p.name for p in card.iterdir()) == ["acme-2.yaml", "kpoctl.yaml", "operations.yaml", "schemas"]
    assert "cascades_from: acme-2/otif" in (card / "operations.yaml").read_text()
    assert run_cli("lint", card, "--fail-on", "info").exit_code == 0


@pytest.mark.parametrize("top", ["kpoctl", "operations", "Acme", "../acme", "acme.yaml", "-acme", ""])
def test_a_top_that_is_not_a_free_slug_is_refused_before_anything_is_written(run_cli, tmp_path, top):
    """`kpoctl` would write the top team over kpoctl.yaml (the settings), `operations` over the
    team below it; anything else is not an id, or not a file name inside the folder."""
    result = run_cli("init", tmp_path / "card", "--top", top)
    assert result.exit_code == 2 and result.stderr.startswith("kpoctl: error: --top must be a slug")
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "card").exists()


def test_a_new_scorecards_objectives_are_due_at_the_end_of_next_year(run_cli, tmp_path):
    """A plan for the year after this one: never a date already gone, whenever init runs."""
    import datetime as dt

    from kpoctl.commands.scaffold import scaffold_files

    files = scaffold_files("acme", today=dt.date(2030, 1, 15))
    assert "due: 2031-12-31" in files["acme.yaml"] and "due: 2031-12-31" in files["operations.yaml"]
    assert run_cli("init", tmp_path / "card").exit_code == 0
    text = (tmp_path / "card" / "company.yaml").read_text()
    assert any(f"due: {year + 1}-12-31" in text for year in (dt.date.today().year - 1, dt.date.today().year))
