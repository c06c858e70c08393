"""voice/files.py: bounded reads, paths kept inside their folder, whole-or-nothing writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voice.errors import DialogError, UsageError
from voice.files import inside, read_bytes, read_text, read_yaml, shown, write_atomic
from voice.wording import TemplateError, fields, fill


def test_a_device_is_read_only_up_to_the_bound() -> None:
    with pytest.raises(UsageError, match="larger than 1 kB"):
        read_bytes(Path("/dev/zero"), UsageError, 1000)


def test_text_that_is_not_utf8_is_named_with_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"ok: 1\n\xff")
    with pytest.raises(DialogError, match=r"not UTF-8 text \(byte 6\)"):
        read_text(path, DialogError)


@pytest.mark.parametrize("value", ["0b_", "0x_", "2001-02-30"])
def test_a_value_that_only_looks_like_a_number_or_date_is_one_error(
    tmp_path: Path, value: str
) -> None:
    """PyYAML's own constructors raise ValueError for these (atheris found "0b_")."""
    path = tmp_path / "x.yaml"
    path.write_text(f"settings:\n  reprompts: {value}\n")
    with pytest.raises(DialogError, match=r"x.yaml: a value looks like a number or date"):
        read_yaml(path, DialogError)


def test_deep_nesting_is_refused_before_the_parser_recurses(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DialogError, match="nested more than"):
        read_yaml(path, DialogError)


@pytest.mark.parametrize("name", ["../x.yaml", "/etc/passwd", "sub/../../x.yaml", "link.yaml"])
def test_a_path_leaving_its_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "dialog"
    folder.mkdir()
    (folder / "link.yaml").symlink_to("/etc/passwd")
    with pytest.raises(DialogError, match="outside"):
        inside(folder, name, DialogError, "consultation.yaml: intents")


def test_a_path_inside_its_folder_is_kept(tmp_path: Path) -> None:
    assert inside(tmp_path, "sub/../intents.yaml", DialogError, "x") == tmp_path / "intents.yaml"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"old")

    def fails(handle: object) -> None:
        raise OSError(28, os.strerror(28))

    with pytest.raises(UsageError, match="No space left on device"):
        write_atomic(target, fails, "the recording")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_an_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    def interrupted(handle: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.wav", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_control_characters_are_shown_escaped() -> None:
    assert shown("a\nb\x1b[31m") == r"a\nb\x1b[31m"
    assert shown("발가락.wav") == "발가락.wav"


@pytest.mark.parametrize(
    "template", ["{0}", "{label.__class__}", "{answer[0]}", "{answer!r}", "{answer:>9}", "{", "}"]
)
def test_only_plain_fields_are_filled(template: str) -> None:
    with pytest.raises(TemplateError):
        fields(template)
    with pytest.raises(TemplateError):
        fill(template, label="x", answer="y")


def test_fill_substitutes_names_and_keeps_doubled_braces() -> None:
    assert fill("{{a}} {b} {b}", b="x") == "{a} x x"
    assert fields("{{a}} {b}") == {"b"}
    with pytest.raises(TemplateError, match="no value"):
        fill("{missing}")
