"""Check the VS Code packages (.vsix) that `npm run package` builds, before they are published.

A platform package must only hold compiled modules its platform can load: the wrong CPU or
binary format, or a module built for another Python, shows up for the user as an import
error on first start, not at build time. For every package this checks:

- each compiled module (.so, .pyd, .dylib) is of the package's binary format (ELF, PE,
  Mach-O) and CPU (x86-64 or arm64; a fat/universal2 Mach-O must contain the CPU);
- its ABI tag (`cpython-312-…`, `cp312-win_amd64`) names the `abi/cp3XX` folder it is in, and
  its platform part (`x86_64-linux-gnu`, `win_arm64`) the package's platform;
- the wheel tags in the dist-info WHEEL files are of that platform and Python;
- abi/cp311, cp312 and cp313 exist, each with lxml, regex and yaml that look importable;
- the universal package holds no compiled module at all.

The target comes from the package manifest (what the Marketplace uses to pick the package),
cross-checked with bundled/target.json. Prints one line per package and one per problem;
exits 1 when there is a problem.

Usage: python scripts/check_vsix.py vscode-extension/packages/*.vsix
"""

from __future__ import annotations

import json
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ABIS = ("cp311", "cp312", "cp313")
BUNDLED = "extension/bundled/"
COMPILED = re.compile(r"\.(pyd|dylib|so(\.\d+)*)$")
# Enough of a module to hold its headers: PE's header offset, a fat Mach-O's arch table.
HEADER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Platform:
    """What a VS Code target's compiled modules must look like."""

    format: str  # "ELF", "PE" or "Mach-O"
    cpu: str  # "x86-64" or "arm64"
    name_part: re.Pattern[str]  # the platform part of a module's file name
    wheel_tag: re.Pattern[str]  # the platform part of a wheel tag


TARGETS: dict[str, Platform] = {
    "linux-x64": Platform("ELF", "x86-64", re.compile(r"x86_64-linux-gnu"), re.compile(r"^(many|musl)linux.*_x86_64$")),
    "linux-arm64": Platform("ELF", "arm64", re.compile(r"aarch64-linux-gnu"), re.compile(r"^(many|musl)linux.*_aarch64$")),
    "win32-x64": Platform("PE", "x86-64", re.compile(r"win_amd64"), re.compile(r"^win_amd64$")),
    "win32-arm64": Platform("PE", "arm64", re.compile(r"win_arm64"), re.compile(r"^win_arm64$")),
    "darwin-x64": Platform("Mach-O", "x86-64", re.compile(r"darwin"), re.compile(r"^macosx_.*_(x86_64|universal2|intel)$")),
    "darwin-arm64": Platform("Mach-O", "arm64", re.compile(r"darwin"), re.compile(r"^macosx_.*_(arm64|universal2)$")),
}

ELF_MACHINES = {62: "x86-64", 183: "arm64", 3: "x86", 40: "arm"}
PE_MACHINES = {0x8664: "x86-64", 0xAA64: "arm64", 0x14C: "x86", 0x1C4: "arm"}
MACHO_CPUS = {0x01000007: "x86-64", 0x0100000C: "arm64", 7: "x86", 12: "arm"}


def binary_kind(head: bytes) -> tuple[str, set[str]] | None:
    """The binary format and the CPUs a module's first bytes declare, or None if unknown."""
    if head[:4] == b"\x7fELF" and len(head) >= 20:
        endian = "<" if head[5] == 1 else ">"
        (machine,) = struct.unpack_from(endian + "H", head, 18)
        return "ELF", {ELF_MACHINES.get(machine, f"e_machine {machine}")}
    if head[:2] == b"MZ" and len(head) >= 0x40:
        (offset,) = struct.unpack_from("<I", head, 0x3C)
        if len(head) >= offset + 6 and head[offset : offset + 4] == b"PE\0\0":
            (machine,) = struct.unpack_from("<H", head, offset + 4)
            return "PE", {PE_MACHINES.get(machine, f"machine {machine:#x}")}
        return None
    if len(head) >= 8:
        magic_le = struct.unpack_from("<I", head, 0)[0]
        if magic_le in (0xFEEDFACE, 0xFEEDFACF):  # thin Mach-O, little-endian
            (cpu,) = struct.unpack_from("<I", head, 4)
            return "Mach-O", {MACHO_CPUS.get(cpu, f"cputype {cpu:#x}")}
        magic_be = struct.unpack_from(">I", head, 0)[0]
        if magic_be in (0xCAFEBABE, 0xCAFEBABF):  # fat (universal2): a table of architectures
            (count,) = struct.unpack_from(">I", head, 4)
            size = 20 if magic_be == 0xCAFEBABE else 32
            if count == 0 or count > 16 or len(head) < 8 + count * size:
                return None  # a Java class file shares the magic; it is no module either
            cpus = set()
            for i in range(count):
                (cpu,) = struct.unpack_from(">I", head, 8 + i * size)
                cpus.add(MACHO_CPUS.get(cpu, f"cputype {cpu:#x}"))
            return "Mach-O", cpus
    return None


def abi_of_name(name: str) -> str | None:
    """The CPython ABI tag in a module's file name (cp312), "abi3", or None if it has none."""
    if m := re.search(r"\.cpython-3(\d+)[a-z]*-", name):
        return f"cp3{m[1]}"
    if m := re.search(r"\.cp3(\d+)-win", name):
        return f"cp3{m[1]}"
    if re.search(r"\.abi3\.", name):
        return "abi3"
    return None


@dataclass
class Report:
    package: str
    target: str = "?"
    size_mb: float = 0.0
    modules: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.package}: {text}")


def manifest_target(zf: zipfile.ZipFile) -> str | None:
    """The TargetPlatform of extension.vsixmanifest; None for a universal package."""
    try:
        text = zf.read("extension.vsixmanifest").decode("utf-8")
    except KeyError:
        return None
    m = re.search(r'TargetPlatform="([^"]+)"', text)
    return m[1] if m else None


def check(path: Path) -> Report:
    # MB as vsce prints it (2**20 bytes), so the two agree.
    report = Report(path.name, size_mb=path.stat().st_size / 2**20)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        report.problem(f"not a readable .vsix ({e})")
        return report
    with zf:
        names = zf.namelist()
        manifest = manifest_target(zf)
        try:
            recorded = json.loads(zf.read(BUNDLED + "target.json"))
        except (KeyError, ValueError) as e:
            report.problem(f"bundled/target.json missing or unreadable ({e})")
            recorded = {}
        target = manifest or "universal"
        report.target = target
        if recorded.get("target") not in (None, target):
            report.problem(f"bundled/target.json says {recorded.get('target')}, the manifest {target}")
        if f"{BUNDLED}libs/klarsyn/__init__.py" not in names:
            report.problem("bundled/libs/klarsyn is missing")
        if target == "universal":
            check_universal(zf, names, report)
        elif target not in TARGETS:
            report.problem(f"unknown target {target}")
        else:
            check_platform(zf, names, TARGETS[target], report, recorded)
    return report


def check_universal(zf: zipfile.ZipFile, names: list[str], report: Report) -> None:
    for name in names:
        if COMPILED.search(name):
            report.problem(f"{name}: compiled module in the universal package")
        elif name.startswith(BUNDLED) and name.endswith("/WHEEL") and "Root-Is-Purelib: false" in zf.read(name).decode("utf-8", "replace"):
            report.problem(f"{name}: a platform wheel in the universal package")


def check_platform(zf: zipfile.ZipFile, names: list[str], platform: Platform, report: Report, recorded: dict) -> None:
    target = report.target
    if sorted(recorded.get("abi", [])) != list(ABIS):
        report.problem(f"bundled/target.json lists ABI tags {recorded.get('abi')}, expected {list(ABIS)}")
    present = set(names)
    for abi in ABIS:
        folder = f"{BUNDLED}abi/{abi}/"
        if not any(n.startswith(folder) for n in names):
            report.problem(f"bundled/abi/{abi} is missing")
            continue
        for package, compiled in (("lxml", "etree"), ("regex", "_regex"), ("yaml", None)):
            if folder + f"{package}/__init__.py" not in present:
                report.problem(f"bundled/abi/{abi}/{package}/__init__.py is missing")
            # lxml and regex cannot run without their compiled core; yaml can (pure SafeLoader).
            if compiled and not any(n.startswith(f"{folder}{package}/{compiled}.") and COMPILED.search(n) for n in names):
                report.problem(f"bundled/abi/{abi}/{package} has no compiled {compiled} module")
    for name in names:
        if name.startswith(BUNDLED) and name.endswith(".dist-info/WHEEL"):
            check_wheel_tags(name, zf.read(name).decode("utf-8", "replace"), platform, report)
        if not COMPILED.search(name):
            continue
        report.modules += 1
        parts = PurePosixPath(name).parts
        folder_abi = parts[3] if len(parts) > 4 and parts[:3] == ("extension", "bundled", "abi") else None
        if folder_abi is None:
            report.problem(f"{name}: compiled module outside bundled/abi/cp3XX")
        base = parts[-1]
        with zf.open(name) as f:
            kind = binary_kind(f.read(HEADER_BYTES))
        if kind is None:
            report.problem(f"{name}: not an ELF, PE or Mach-O file")
        else:
            fmt, cpus = kind
            if fmt != platform.format:
                report.problem(f"{name}: {fmt} file in a {target} package (needs {platform.format})")
            elif platform.cpu not in cpus:
                report.problem(f"{name}: built for {', '.join(sorted(cpus))}, the package is for {platform.cpu}")
        if base.endswith(".dylib") or re.search(r"\.so\.\d", base):
            continue  # a shared library, not a Python module: no ABI tag in its name
        abi = abi_of_name(base)
        if abi is None:
            report.problem(f"{name}: no ABI tag in the file name")
        elif folder_abi is not None and abi not in (folder_abi, "abi3"):
            report.problem(f"{name}: ABI tag {abi} in the {folder_abi} folder")
        if not platform.name_part.search(base):
            report.problem(f"{name}: file name is not for {target}")


def check_wheel_tags(name: str, text: str, platform: Platform, report: Report) -> None:
    """A dist-info's WHEEL `Tag:` lines must be of this platform and of the folder's Python."""
    parts = PurePosixPath(name).parts
    folder_abi = parts[3] if len(parts) > 4 and parts[2] == "abi" else None
    for line in text.splitlines():
        if not line.startswith("Tag:"):
            continue
        python, _abi, plat = line.split(":", 1)[1].strip().split("-", 2)
        if plat == "any":
            continue
        if not all(platform.wheel_tag.match(p) for p in plat.split(".")):
            report.problem(f"{name}: wheel tag {plat} is not for {report.target}")
        if folder_abi is not None and python not in (folder_abi, "py3"):
            report.problem(f"{name}: wheel for {python} in the {folder_abi} folder")


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: check_vsix.py PACKAGE.vsix...", file=sys.stderr)
        return 2
    failed = False
    for arg in argv:
        report = check(Path(arg))
        print(f"{report.package}: {report.target}, {report.size_mb:.1f} MB, {report.modules} compiled modules checked"
              + (f", {len(report.problems)} problems" if report.problems else ", ok"))
        for problem in report.problems:
            print(f"  problem: {problem}")
        failed |= bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
