"""scripts/check_vsix.py on small synthetic packages: fake ELF/PE/Mach-O headers in the
layout `npm run package` produces, one right package per kind and one wrong case each."""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("check_vsix", ROOT / "scripts" / "check_vsix.py")
assert _spec and _spec.loader
check_vsix = importlib.util.module_from_spec(_spec)
# Registered first: dataclasses look their module up in sys.modules.
sys.modules.setdefault("check_vsix", check_vsix)
_spec.loader.exec_module(check_vsix)

ABIS = ("cp311", "cp312", "cp313")


def elf(machine: int) -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\0" * 11 + struct.pack("<H", machine) + b"\0" * 40


def pe(machine: int) -> bytes:
    head = bytearray(b"MZ" + b"\0" * 0x7E)
    struct.pack_into("<I", head, 0x3C, 0x80)
    return bytes(head) + b"PE\0\0" + struct.pack("<H", machine) + b"\0" * 20


def macho(cpu: int) -> bytes:
    return struct.pack("<II", 0xFEEDFACF, cpu) + b"\0" * 24


def fat(*cpus: int) -> bytes:
    return struct.pack(">II", 0xCAFEBABE, len(cpus)) + b"".join(struct.pack(">IIIII", c, 0, 4096, 10, 12) for c in cpus)


X86_64_ELF, ARM64_ELF = elf(62), elf(183)
AMD64_PE, ARM64_PE = pe(0x8664), pe(0xAA64)
X86_64_MACHO, ARM64_MACHO = 0x01000007, 0x0100000C


def module_name(target: str, stem: str, abi: str) -> str:
    if target.startswith("win32"):
        return f"{stem}.{abi}-{'win_amd64' if target.endswith('x64') else 'win_arm64'}.pyd"
    if target.startswith("darwin"):
        return f"{stem}.cpython-{abi[2:]}-darwin.so"
    return f"{stem}.cpython-{abi[2:]}-{'x86_64' if target.endswith('x64') else 'aarch64'}-linux-gnu.so"


def build(
    tmp_path: Path,
    target: str,
    binary: bytes | None = None,
    *,
    abis: tuple[str, ...] = ABIS,
    name_abi: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A .vsix for target ("universal" for none) with lxml, regex and yaml per ABI folder."""
    files: dict[str, bytes] = {
        "extension/package.json": b"{}",
        "extension/bundled/libs/klarsyn/__init__.py": b"",
        "extension/bundled/target.json": json.dumps({"target": target, "abi": [] if target == "universal" else list(ABIS)}).encode(),
    }
    platform = "" if target == "universal" else f' TargetPlatform="{target}"'
    files["extension.vsixmanifest"] = f'<PackageManifest><Metadata><Identity Id="klarsyn"{platform}/></Metadata></PackageManifest>'.encode()
    for abi in abis if target != "universal" else ():
        folder = f"extension/bundled/abi/{abi}/"
        named = (name_abi or {}).get(abi, abi)
        for package, stem in (("lxml", "etree"), ("regex", "_regex"), ("yaml", "_yaml")):
            files[folder + f"{package}/__init__.py"] = b""
            files[folder + f"{package}/{module_name(target, stem, named)}"] = binary or b""
    files.update(extra or {})
    path = tmp_path / f"klarsyn-{target}-0.1.0.vsix"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def problems(path: Path) -> list[str]:
    return check_vsix.check(path).problems


@pytest.mark.parametrize(
    ("target", "binary"),
    [
        ("linux-x64", X86_64_ELF),
        ("linux-arm64", ARM64_ELF),
        ("win32-x64", AMD64_PE),
        ("win32-arm64", ARM64_PE),
        ("darwin-x64", macho(X86_64_MACHO)),
        ("darwin-arm64", macho(ARM64_MACHO)),
        ("darwin-arm64", fat(X86_64_MACHO, ARM64_MACHO)),  # universal2 holds arm64
        ("darwin-x64", fat(X86_64_MACHO, ARM64_MACHO)),
    ],
)
def test_right_packages_pass(tmp_path: Path, target: str, binary: bytes) -> None:
    path = build(tmp_path, target, binary)
    report = check_vsix.check(path)
    assert report.problems == []
    assert report.target == target
    assert report.modules == 9


def test_universal_without_compiled_modules_passes(tmp_path: Path) -> None:
    assert problems(build(tmp_path, "universal")) == []


@pytest.mark.parametrize(
    ("target", "binary", "expected"),
    [
        ("linux-x64", ARM64_ELF, "built for arm64, the package is for x86-64"),
        ("win32-arm64", AMD64_PE, "built for x86-64, the package is for arm64"),
        ("darwin-arm64", macho(X86_64_MACHO), "built for x86-64, the package is for arm64"),
        ("darwin-arm64", fat(X86_64_MACHO), "built for x86-64"),
        ("linux-x64", AMD64_PE, "PE file in a linux-x64 package"),
        ("win32-x64", b"not a binary at all", "not an ELF, PE or Mach-O file"),
    ],
)
def test_wrong_cpu_or_format_fails(tmp_path: Path, target: str, binary: bytes, expected: str) -> None:
    found = problems(build(tmp_path, target, binary))
    assert len(found) == 9  # every module of the three ABI folders
    assert all(expected in p for p in found), found


def test_wrong_abi_tag_fails(tmp_path: Path) -> None:
    found = problems(build(tmp_path, "linux-x64", X86_64_ELF, name_abi={"cp312": "cp311"}))
    assert len(found) == 3
    assert all("ABI tag cp311 in the cp312 folder" in p for p in found), found


def test_missing_version_fails(tmp_path: Path) -> None:
    found = problems(build(tmp_path, "win32-x64", AMD64_PE, abis=("cp311", "cp313")))
    assert found == ["klarsyn-win32-x64-0.1.0.vsix: bundled/abi/cp312 is missing"]


def test_missing_compiled_core_fails(tmp_path: Path) -> None:
    path = build(tmp_path, "linux-x64", X86_64_ELF)
    name = f"extension/bundled/abi/cp313/regex/{module_name('linux-x64', '_regex', 'cp313')}"
    with zipfile.ZipFile(path) as z:
        kept = {n: z.read(n) for n in z.namelist() if n != name}
    with zipfile.ZipFile(path, "w") as z:
        for n, data in kept.items():
            z.writestr(n, data)
    assert problems(path) == ["klarsyn-linux-x64-0.1.0.vsix: bundled/abi/cp313/regex has no compiled _regex module"]


def test_compiled_module_in_universal_fails(tmp_path: Path) -> None:
    name = "extension/bundled/libs/regex/_regex.cpython-312-x86_64-linux-gnu.so"
    found = problems(build(tmp_path, "universal", extra={name: X86_64_ELF}))
    assert found == [f"klarsyn-universal-0.1.0.vsix: {name}: compiled module in the universal package"]


def test_other_platforms_module_or_wheel_fails(tmp_path: Path) -> None:
    # A right-CPU Linux module named for another platform, and a wheel tagged for Windows.
    extra = {
        "extension/bundled/abi/cp312/lxml/sax.cpython-312-aarch64-linux-gnu.so": X86_64_ELF,
        "extension/bundled/abi/cp312/lxml-6.1.3.dist-info/WHEEL": b"Wheel-Version: 1.0\nTag: cp312-cp312-win_amd64\n",
    }
    found = problems(build(tmp_path, "linux-x64", X86_64_ELF, extra=extra))
    assert any("sax.cpython-312-aarch64-linux-gnu.so: file name is not for linux-x64" in p for p in found), found
    assert any("wheel tag win_amd64 is not for linux-x64" in p for p in found), found


def test_manifest_and_target_json_must_agree(tmp_path: Path) -> None:
    path = build(tmp_path, "linux-x64", X86_64_ELF, extra={"extension/bundled/target.json": json.dumps({"target": "linux-arm64", "abi": list(ABIS)}).encode()})
    assert problems(path) == ["klarsyn-linux-x64-0.1.0.vsix: bundled/target.json says linux-arm64, the manifest linux-x64"]


def test_main_prints_a_line_per_package_and_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = build(tmp_path, "linux-arm64", ARM64_ELF)
    (tmp_path / "bad").mkdir()
    bad = build(tmp_path / "bad", "darwin-x64", macho(ARM64_MACHO))
    assert check_vsix.main([str(good)]) == 0
    assert check_vsix.main([str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("klarsyn-linux-arm64-0.1.0.vsix: linux-arm64, ") and out[0].endswith("9 compiled modules checked, ok")
    assert any(line.startswith("  problem: klarsyn-darwin-x64-0.1.0.vsix: ") for line in out)
