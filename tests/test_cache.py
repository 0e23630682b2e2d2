"""The result cache: a cached run says exactly what an uncached run says, whatever was
renamed, copied, moved or reconfigured since, and nothing in the cache folder can run code
or crash klarsyn."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

FORMATS = ("text", "json", "sarif", "github")

# Two chapters with findings of their own (kanselli) and a consistency finding whose
# message names the other file and counts its uses: every place a path can leak into.
CHAPTER_1 = "# Plan\n\nKommunen skal herunder bygge skoler. Framtiden er grønn.\n\nVi bygger framtiden sammen.\n"
CHAPTER_2 = "Fremtiden er vår. Vi vil samt bygge veier.\n"


def write_project(root: Path) -> Path:
    folder = root / "p1"
    folder.mkdir(parents=True)
    (folder / "kapittel1.md").write_text(CHAPTER_1, encoding="utf-8")
    (folder / "kapittel2.md").write_text(CHAPTER_2, encoding="utf-8")
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))


def assert_cached_equals_uncached(run_cli, cache: Path, *paths: str, cwd: Path) -> None:
    """Every output format of a cached run is byte for byte the --no-cache one."""
    for fmt in FORMATS:
        cached = run_cli("check", *paths, "--format", fmt, "--cache-dir", str(cache), cwd=cwd)
        plain = run_cli("check", *paths, "--format", fmt, "--no-cache", cwd=cwd)
        assert cached == plain, f"--format {fmt} differs from --no-cache"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_project(tmp_path / "proj")
    return tmp_path / "proj"


def warm(run_cli, cache: Path, *paths: str, cwd: Path) -> None:
    code, _out, err = run_cli("check", *paths, "--cache-dir", str(cache), cwd=cwd)
    assert code == 0 and err == ""
    assert entries(cache)


def test_renamed_file_reports_its_new_name(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm(run_cli, cache, "p1", cwd=project)
    before = entries(cache)
    (project / "p1" / "kapittel1.md").rename(project / "p1" / "plan.md")
    (project / "p1" / "kapittel2.md").rename(project / "p1" / "innledning.md")
    _, out, _ = run_cli("check", "p1", "--cache-dir", str(cache), cwd=project)
    assert "p1/innledning.md:1:26: hint kanselli" in out
    assert "«framtid» er brukt 2 ganger (plan.md: 2)" in out  # the consistency message's file list
    assert "kapittel" not in out
    assert_cached_equals_uncached(run_cli, cache, "p1", cwd=project)
    # The renamed file's result came from the cache: no new entry for the same bytes.
    assert entries(cache) == before


def test_identical_copies_each_report_under_their_own_name(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = project / "p1"
    for i in range(8):
        shutil.copy(folder / "kapittel2.md", folder / f"kopi{i}.md")
    warm(run_cli, cache, "p1", cwd=project)
    _, out, _ = run_cli("check", "p1", "--format", "json", "--cache-dir", str(cache), cwd=project)
    names = [f["path"] for f in json.loads(out)["files"]]
    assert names == ["p1/kapittel1.md", "p1/kapittel2.md", *(f"p1/kopi{i}.md" for i in range(8))]
    assert len(entries(cache)) == 2  # one entry per distinct text
    assert_cached_equals_uncached(run_cli, cache, "p1", cwd=project)


def test_file_moved_to_another_folder(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm(run_cli, cache, "p1", cwd=project)
    (project / "p2").mkdir()
    (project / "p1" / "kapittel1.md").rename(project / "p2" / "kapittel1.md")
    assert_cached_equals_uncached(run_cli, cache, "p1", "p2", cwd=project)
    assert_cached_equals_uncached(run_cli, cache, "p2", cwd=project)


def test_same_content_in_another_project_folder(run_cli, project: Path, tmp_path: Path) -> None:
    """The default cache is shared by every project on the machine."""
    cache = tmp_path / "cache"
    warm(run_cli, cache, "p1", cwd=project)
    other = tmp_path / "annet"
    other.mkdir()
    shutil.copy(project / "p1" / "kapittel2.md", other / "innledning.md")
    _, out, _ = run_cli("check", "innledning.md", "--cache-dir", str(cache), cwd=other)
    assert out.startswith("innledning.md:1:26: hint kanselli")
    assert_cached_equals_uncached(run_cli, cache, "innledning.md", cwd=other)


def test_run_from_another_working_folder(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm(run_cli, cache, "p1", cwd=project)
    assert_cached_equals_uncached(run_cli, cache, "kapittel1.md", "kapittel2.md", cwd=project / "p1")
    assert_cached_equals_uncached(run_cli, cache, "proj/p1", cwd=tmp_path)


def test_changed_config_is_honoured(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config = project / "klarsyn.yml"
    config.write_text("rules:\n  kanselli: warning\n", encoding="utf-8")
    warm(run_cli, cache, "p1", cwd=project)
    config.write_text("rules:\n  kanselli: off\nchoices:\n  framtid: fremtid\n", encoding="utf-8")
    _, out, _ = run_cli("check", "p1", "--cache-dir", str(cache), cwd=project)
    assert "kanselli" not in out
    assert_cached_equals_uncached(run_cli, cache, "p1", cwd=project)


def test_changed_project_pack_is_honoured(run_cli, project: Path, tmp_path: Path) -> None:
    """Same file size and modification time: only the pack's content changed (a checkout
    or a restored CI cache does not keep modification times apart)."""
    cache = tmp_path / "cache"
    pack = project / "regler"
    pack.mkdir()
    (pack / "pack.yml").write_text("id: prosjekt\nlanguage: nb\nversion: 1\nname: Prosjektet\n", encoding="utf-8")
    rule = pack / "prosjekt-ord.yml"
    body = (
        "id: prosjekt-ord\ntype: existence\nseverity: warning\n"
        "message: \"Unngå «{{match}}» i programmet.\"\n"
        "description: Ord prosjektet ikke vil ha.\n"
        "terms:\n  - term: {term}\n"
        "examples:\n  bad:\n    - {{text: \"Vi vil {term} noe.\"}}\n  good:\n    - {{text: \"Vi vil noe.\"}}\n"
    )
    rule.write_text(body.format(term="skoler"), encoding="utf-8")
    stamp = rule.stat()
    (project / "klarsyn.yml").write_text("packs: [regler/]\n", encoding="utf-8")
    warm(run_cli, cache, "p1", cwd=project)
    rule.write_text(body.format(term="veier"), encoding="utf-8")  # same length
    os.utime(rule, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    _, out, _ = run_cli("check", "p1", "--cache-dir", str(cache), cwd=project)
    assert "«veier»" in out and "«skoler»" not in out
    assert_cached_equals_uncached(run_cli, cache, "p1", cwd=project)


def test_changed_language_setting_is_honoured(run_cli, project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm(run_cli, cache, "p1", cwd=project)
    for lang in ("nn", "en", "nb"):
        for fmt in FORMATS:
            cached = run_cli("check", "p1", "--lang", lang, "--format", fmt, "--cache-dir", str(cache), cwd=project)
            plain = run_cli("check", "p1", "--lang", lang, "--format", fmt, "--no-cache", cwd=project)
            assert cached == plain, (lang, fmt)


def test_a_warm_run_is_served_from_the_cache(run_cli, tmp_path: Path) -> None:
    """Guards the tests above: they compare with --no-cache, which a cache that never hits
    would pass too."""
    draft, cache, entry = _entry_of_one_file(run_cli, tmp_path)
    real = json.loads(entry.read_text(encoding="utf-8"))
    real["findings"] = [[*f[:2], "fra hurtigbufferen", *f[3:]] for f in real["findings"]]
    entry.write_text(json.dumps(real), encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "--cache-dir", str(cache))
    assert "kanselli fra hurtigbufferen" in out


# -- nothing in the cache folder runs code or breaks a run --------------------------------


class _Poison:
    """Unpickling this creates the marker file: what a hostile cache entry would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _entry_of_one_file(run_cli, tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    run_cli("check", str(folder / "kapittel2.md"), "--cache-dir", str(cache))
    (entry,) = entries(cache)
    return folder / "kapittel2.md", cache, entry


def test_a_pickle_in_the_cache_runs_nothing(run_cli, tmp_path: Path) -> None:
    draft, cache, entry = _entry_of_one_file(run_cli, tmp_path)
    marker = tmp_path / "PWNED"
    entry.write_bytes(pickle.dumps(_Poison(marker)))
    code, out, err = run_cli("check", str(draft), "--cache-dir", str(cache))
    assert not marker.exists()
    assert (code, out, err) == run_cli("check", str(draft), "--no-cache")
    # The miss was written over with a proper entry.
    assert entry.read_bytes() != pickle.dumps(_Poison(marker))
    json.loads(entry.read_text(encoding="utf-8"))


def _real_entry(entry: Path) -> dict:
    return json.loads(entry.read_text(encoding="utf-8"))


BAD_ENTRIES = {
    "not json": lambda real: b"not json at all",
    "empty": lambda real: b"",
    "truncated": lambda real: json.dumps(real).encode()[: len(json.dumps(real)) // 2],
    "a list": lambda real: b"[1, 2, 3]",
    "deep nesting": lambda real: b"[" * 100_000,
    "other schema": lambda real: json.dumps({**real, "schema": 999}).encode(),
    "another document's entry": lambda real: json.dumps({**real, "key": "0" * 64}).encode(),
    "finding past the end": lambda real: json.dumps(
        {**real, "findings": [[f[0], f[1], f[2], 10_000, 10_001, *f[5:]] for f in real["findings"]]}).encode(),
    "unknown severity": lambda real: json.dumps(
        {**real, "findings": [[f[0], "fatal", *f[2:]] for f in real["findings"]]}).encode(),
    "unknown rule": lambda real: json.dumps(
        {**real, "findings": [["no-such-rule", *f[1:]] for f in real["findings"]]}).encode(),
    "string offsets": lambda real: json.dumps(
        {**real, "findings": [[f[0], f[1], f[2], "1", "2", *f[5:]] for f in real["findings"]]}).encode(),
    "missing sentences": lambda real: json.dumps({k: v for k, v in real.items() if k != "sentences"}).encode(),
    "wrong block count": lambda real: json.dumps({**real, "sentences": real["sentences"] * 2}).encode(),
    "word past the block": lambda real: json.dumps(
        {**real, "sentences": [[[0, 1, [0, 99_999, 3]]] for _ in real["sentences"]]}).encode(),
    "not utf-8": lambda real: b"\xff\xfe{\x00",
}


@pytest.mark.parametrize("kind", sorted(BAD_ENTRIES))
def test_a_bad_entry_is_a_miss(run_cli, tmp_path: Path, kind: str) -> None:
    draft, cache, entry = _entry_of_one_file(run_cli, tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(BAD_ENTRIES[kind](_real_entry(entry)))
    for fmt in FORMATS:
        cached = run_cli("check", str(draft), "--format", fmt, "--cache-dir", str(cache))
        assert cached == run_cli("check", str(draft), "--format", fmt, "--no-cache"), fmt
        assert "Traceback" not in cached[2]
    assert entry.read_bytes() == good  # overwritten with the right entry again


def test_a_special_file_in_the_cache_does_not_hang(run_cli, tmp_path: Path) -> None:
    draft, cache, entry = _entry_of_one_file(run_cli, tmp_path)
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    entry.unlink()
    os.mkfifo(entry)
    assert run_cli("check", str(draft), "--cache-dir", str(cache)) == run_cli("check", str(draft), "--no-cache")
