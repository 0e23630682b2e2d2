#!/usr/bin/env bash
# Fill bundled/ with the server one .vsix carries:
#   bundled/libs           klarsyn and the pure-Python packages (any Python 3.11+, any platform)
#   bundled/abi/cp3XX      the compiled packages (lxml, regex, PyYAML) built for CPython 3.11,
#                          3.12 and 3.13 on the package's platform; the extension puts the one
#                          that matches the Python it runs on PYTHONPATH
#   bundled/target.json    which target and ABI tags this package holds, and the versions of
#                          the compiled packages (the universal package installs those itself)
#
# Usage: bundle-server.sh [--libs] TARGET
#   TARGET   win32-x64 win32-arm64 darwin-x64 darwin-arm64 linux-x64 linux-arm64, or universal
#            (no compiled modules at all: the extension finds or makes a Python environment)
#   --libs   (re)build bundled/libs first. scripts/package.sh does this once and then calls
#            this script per target, which only swaps bundled/abi and bundled/target.json.
# The wheels of each platform are downloaded once into .cache/wheels/ (git-ignored) and
# reused until the pinned versions below change.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PIP_QUIET=(--quiet --disable-pip-version-check)

# The compiled packages, pinned: every package bundles exactly these, and the universal
# package's private environment installs the same ones, so all users run the same code.
LXML=6.1.3
REGEX=2026.11.19
PYYAML=6.0.4
PINS=("lxml==$LXML" "regex==$REGEX" "PyYAML==$PYYAML")
VERSIONS=(3.11 3.12 3.13)

libs=0
if [ "${1:-}" = --libs ]; then libs=1; shift; fi
TARGET=${1:-linux-x64}

# pip's --platform tags per VS Code target. Several per Linux target because wheels use either
# the old (manylinux2014) or the new (manylinux_2_28) name; pip itself widens the macOS tag to
# older macOS versions and to universal2. The macOS floors are what VS Code itself supports.
case "$TARGET" in
  linux-x64)    PLATFORMS=(manylinux_2_28_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64) ;;
  linux-arm64)  PLATFORMS=(manylinux_2_28_aarch64 manylinux_2_17_aarch64 manylinux2014_aarch64) ;;
  win32-x64)    PLATFORMS=(win_amd64) ;;
  win32-arm64)  PLATFORMS=(win_arm64) ;;
  darwin-x64)   PLATFORMS=(macosx_10_15_x86_64) ;;
  darwin-arm64) PLATFORMS=(macosx_11_0_arm64) ;;
  universal)    PLATFORMS=() ;;
  *) echo "bundle-server.sh: unknown target $TARGET" >&2; exit 2 ;;
esac

if [ "$libs" = 1 ] || [ ! -d bundled/libs ]; then
  rm -rf bundled
  mkdir -p bundled/libs
  "$PYTHON" -m pip install "${PIP_QUIET[@]}" --no-warn-script-location --no-compile --target bundled/libs .. "${PINS[@]}"
  # Not needed at run time: textstat (a dependency for English formulas, not imported by the
  # checker yet) and what it pulls in; the compiled packages go to bundled/abi per target.
  # The PDF libraries (pypdfium2, pikepdf with Pillow and packaging) are left out too: they
  # are compiled per platform, and the editor never reads a PDF (the language server checks
  # the drafts an author edits; `klarsyn check program.pdf` is the CLI's, installed with pip).
  for unused in textstat nltk joblib click setuptools pyphen tqdm cloudpickle defusedxml _distutils_hack tests bin \
                lxml regex yaml _yaml pypdfium2 pypdfium2_raw pypdfium2_cfg pypdfium2_cli pikepdf pikepdf.libs PIL \
                pillow.libs packaging; do
    rm -rf "bundled/libs/$unused"
  done
  rm -rf bundled/libs/{textstat,nltk,joblib,click,setuptools,pyphen,tqdm,cloudpickle,defusedxml,lxml,regex,pyyaml,PyYAML}-*.dist-info \
         bundled/libs/{pypdfium2,pikepdf,pillow,packaging}-*.dist-info bundled/libs/distutils-precedence.pth
  find bundled/libs -name "__pycache__" -type d -prune -exec rm -rf {} +
  find bundled/libs -name "*.dist-info" -type d -exec rm -f {}/RECORD \;
fi

# Download one platform's wheels for one Python version into the cache, unless already there.
download() {  # download DEST VERSION PACKAGE...
  local dest=$1 version=$2; shift 2
  local args=()
  for p in "${PLATFORMS[@]}"; do args+=(--platform "$p"); done
  "$PYTHON" -m pip download "${PIP_QUIET[@]}" --no-deps --only-binary=:all: "${args[@]}" \
    --python-version "$version" --implementation cp --dest "$dest" "$@" 2> >(grep -v "is ignored: it is neither" >&2)
}

rm -rf bundled/abi bundled/target.json
tags=()
if [ "$TARGET" != universal ]; then
  CACHE=".cache/wheels/$TARGET"
  stamp="${PINS[*]}"
  if [ "$(cat "$CACHE/pins" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$CACHE"
    for version in "${VERSIONS[@]}"; do
      tag="cp${version/./}"
      if [ "$TARGET" = win32-arm64 ] && [ "$tag" = cp311 ]; then
        # PyYAML publishes no win_arm64 wheel for CPython 3.11. Its Python code is the same
        # for every version and works without the compiled _yaml (klarsyn's yamlfile.py falls
        # back from CSafeLoader to SafeLoader), so the cp311 folder gets the .py files of
        # the cp312 wheel below, without its compiled module.
        download "$CACHE/$tag" "$version" "lxml==$LXML" "regex==$REGEX"
        download "$CACHE/pure-yaml" 3.12 "PyYAML==$PYYAML"
      else
        download "$CACHE/$tag" "$version" "${PINS[@]}"
      fi
    done
    echo "$stamp" > "$CACHE/pins"
  fi
  for version in "${VERSIONS[@]}"; do
    tag="cp${version/./}"
    tags+=("$tag")
    mkdir -p "bundled/abi/$tag"
    for wheel in "$CACHE/$tag"/*.whl; do
      "$PYTHON" -m zipfile -e "$wheel" "bundled/abi/$tag"
    done
    if [ -d "$CACHE/pure-yaml" ] && [ ! -d "bundled/abi/$tag/yaml" ]; then
      # Only the yaml/*.py files: no _yaml, no compiled module and no dist-info (whose WHEEL
      # tag would claim cp312).
      "$PYTHON" - "$CACHE/pure-yaml" "bundled/abi/$tag" <<'EOF'
import sys, zipfile, pathlib
src, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for wheel in src.glob("*.whl"):
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith("yaml/") and name.endswith(".py"):
                z.extract(name, dest)
EOF
    fi
  done
  # Headers and Cython sources are for building against lxml, not for running it.
  find bundled/abi -path "*/lxml/includes" -type d -prune -exec rm -rf {} +
  find bundled/abi \( -name "*.pyx" -o -name "*.pxd" -o -name "*.pxi" -o -name "*.h" -o -name "*.c" \) -delete
  find bundled/abi -name "__pycache__" -type d -prune -exec rm -rf {} +
  find bundled/abi -name "*.dist-info" -type d -exec rm -f {}/RECORD \;
fi

# What this package holds; the extension reads it to pick the abi folder, to notice a package
# installed on the wrong platform, and (universal) to know which versions to install.
"$PYTHON" - "$TARGET" "$LXML" "$REGEX" "$PYYAML" "${tags[@]}" > bundled/target.json <<'EOF'
import json, sys
target, lxml, regex, pyyaml, *abi = sys.argv[1:]
json.dump({"target": target, "abi": abi, "compiled": {"lxml": lxml, "regex": regex, "PyYAML": pyyaml}}, sys.stdout, indent=2)
print()
EOF
echo "bundled/ for $TARGET: libs $(du -sh bundled/libs | cut -f1), abi $( [ -d bundled/abi ] && du -sh bundled/abi | cut -f1 || echo none)"
