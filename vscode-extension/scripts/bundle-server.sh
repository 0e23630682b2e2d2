#!/usr/bin/env bash
# Put klarsyn and its dependencies into bundled/, for the server the .vsix carries:
#   bundled/libs           klarsyn and the pure-Python packages (any Python 3.11+)
#   bundled/abi/cp3XX      the compiled ones (lxml, regex, PyYAML) for CPython 3.11, 3.12
#                          and 3.13 on Linux x86-64; the extension adds the one that
#                          matches the Python it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PIP=("$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile --no-warn-script-location)
BINARY=(lxml regex PyYAML)
rm -rf bundled
mkdir -p bundled/libs bundled/abi
"${PIP[@]}" --target bundled/libs ..
# Not needed at run time: textstat (a dependency for English formulas, not imported by the
# checker yet) and what it pulls in; the compiled packages move to bundled/abi.
for unused in textstat nltk joblib click setuptools pyphen tqdm cloudpickle defusedxml _distutils_hack tests bin \
              lxml regex yaml _yaml; do
  rm -rf "bundled/libs/$unused"
done
rm -rf bundled/libs/{textstat,nltk,joblib,click,setuptools,pyphen,tqdm,cloudpickle,defusedxml,lxml,regex,pyyaml,PyYAML}-*.dist-info \
       bundled/libs/distutils-precedence.pth
for version in 3.11 3.12 3.13; do
  tag="cp${version/./}"
  "${PIP[@]}" --target "bundled/abi/$tag" --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --python-version "$version" --implementation cp "${BINARY[@]}"
done
find bundled -name "__pycache__" -type d -prune -exec rm -rf {} +
find bundled -path "*/lxml/includes" -type d -prune -exec rm -rf {} +
find bundled -name "*.dist-info" -type d -exec rm -f {}/RECORD \;
du -sh bundled/libs bundled/abi/*
