#!/usr/bin/env bash
# The whole test suite: dependencies, format lint, OpenAPI validation, the README's curl
# examples against the real binary, then every Swift test (core maths, HTTP layer, and the
# real binary over HTTP on ephemeral ports).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-dependencies.sh
python3 -c 'import openapi_spec_validator' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt

scripts/lint.sh
python3 -m openapi_spec_validator openapi.yaml
scripts/embed-openapi.sh --check
swift build --build-tests
scripts/check_readme.py "$(swift build --show-bin-path)/cross-entropy-service"
swift test --skip-build
