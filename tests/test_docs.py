"""Docs that can drift get a test: the README's commands, CI, and every command's help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents.cli import app

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, re.S)


def test_readme_gives_exactly_two_commands_setup_and_tests():
    demo, tests = readme_commands()
    assert "python3 -m venv .venv" in demo and demo.endswith(".venv/bin/newsevents demo")
    assert "python3 -m venv .venv" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = readme_commands()
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


def command_paths() -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths.extend([name, sub] for sub in subcommands)
        else:
            paths.append([name])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str]):
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    if path != ["version"]:
        assert "Example:" in result.output


def test_settings_fields_are_documented():
    source = (ROOT / "newsevents" / "config.py").read_text()
    from dataclasses import fields

    from newsevents.config import Settings

    for field in fields(Settings):
        before = source.split(f"    {field.name}:", 1)[0].rstrip().splitlines()
        assert before[-1].strip().startswith("#"), f"Settings.{field.name} has no comment"
