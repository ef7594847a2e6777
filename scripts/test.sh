#!/usr/bin/env bash
# The whole test suite:
#   format lint; openapi.yaml validity, its embedded copy and the Swift client generated from it;
#   Dockerfile lint (hadolint);
#   Kubernetes manifests (kubernetes-validate); the README's curl examples against the real
#   binary; schemathesis against openapi.yaml and the live binary; the contract as callers'
#   tools see it (scripts/contract-checks.sh: PyYAML, two generated Python clients, promtool);
#   every Swift test (core maths, HTTP layer, the real binary over HTTP on ephemeral ports); the suite and the service under AddressSanitizer/LeakSanitizer and ThreadSanitizer
#   (scripts/sanitizers.sh); and, as root, the container runtime smoke test and the manifest's
#   memory limit enforced by a cgroup (scripts/memory_limit.py).
set -euo pipefail
cd "$(dirname "$0")/.."

# One apt-get update at most, for everything the suite needs from Debian.
if [ -z "${SKIP_SLOW:-}" ] && [ "$(id -u)" -eq 0 ]; then
    scripts/ensure-dependencies.sh debootstrap
else
    scripts/ensure-dependencies.sh
fi
if ! python3 -c 'import openapi_spec_validator, kubernetes_validate, schemathesis, yaml, openapi_python_client, pydantic' 2>/dev/null \
    || ! command -v hadolint >/dev/null || ! command -v openapi-generator-cli >/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi

scripts/lint.sh
python3 -m openapi_spec_validator openapi.yaml
scripts/embed-openapi.sh --check
scripts/generate-swift-client.sh --hash-check
hadolint Dockerfile && echo "hadolint: ok"
kubernetes-validate --strict --quiet deploy/kubernetes/*.yaml && echo "kubernetes-validate: ok"

swift build --build-tests
binary="$(swift build --show-bin-path)/cross-entropy-service"
scripts/check_readme.py "$binary"
scripts/schemathesis.sh "$binary"
scripts/contract-checks.sh "$binary"
# The slow parts (about 10 minutes on 2 cores): SKIP_SLOW=1 leaves them out while iterating.
if [ -z "${SKIP_SLOW:-}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        scripts/container-smoke.sh
        # The shipped manifest under a kernel memory limit, with the image's own binary.
        scripts/memory_limit.py "$(swift build -c release --static-swift-stdlib --scratch-path .build-smoke/swift --show-bin-path)/cross-entropy-service" 8
    else
        echo "container smoke and memory limit: skipped (need root for debootstrap, chroot and cgroups)"
    fi
    scripts/sanitizers.sh
fi
swift test --skip-build --disable-xctest
