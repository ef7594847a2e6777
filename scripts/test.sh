#!/usr/bin/env bash
# The whole test suite, fastest feedback first:
#   1. format lint; openapi.yaml validity, its embedded copy and the Swift client generated from it;
#      Dockerfile lint (hadolint); Kubernetes manifests (kubernetes-validate);
#   2. the debug build, then every Swift test (core maths, HTTP layer, the real binary over HTTP on
#      ephemeral ports): a broken test shows within minutes;
#   3. the README's curl examples against the real binary; schemathesis against openapi.yaml and the
#      live binary; the contract as callers' tools see it (scripts/contract-checks.sh: PyYAML, two
#      generated Python clients, promtool);
#   4. the slow stages (SKIP_SLOW=1 leaves them out while iterating): the bench programs still
#      build; as root, the container runtime smoke test and the manifest's memory limit enforced
#      by a cgroup (scripts/memory_limit.py); the suite and the service under
#      AddressSanitizer/LeakSanitizer and ThreadSanitizer (scripts/sanitizers.sh).
# Each stage's time is printed at the end (and on failure, up to the stage that failed).
set -euo pipefail
cd "$(dirname "$0")/.."

stage_names=()
stage_seconds=()
report() {
    local status=$?
    echo
    echo "== stage times"
    for i in "${!stage_names[@]}"; do printf '%6ss  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"; done
    [ "$status" -eq 0 ] || echo "FAILED in stage: ${current_stage:-set-up}"
}
trap report EXIT
stage() {  # stage NAME COMMAND...: runs and times one stage
    current_stage=$1
    shift
    echo "== $current_stage"
    local start=$SECONDS
    "$@"
    stage_names+=("$current_stage")
    stage_seconds+=($((SECONDS - start)))
}

set_up() {
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
}

static_checks() {
    scripts/lint.sh
    python3 -m openapi_spec_validator openapi.yaml
    scripts/embed-openapi.sh --check
    scripts/generate-swift-client.sh --hash-check
    hadolint Dockerfile && echo "hadolint: ok"
    kubernetes-validate --strict --quiet deploy/kubernetes/*.yaml && echo "kubernetes-validate: ok"
}

stage "set-up" set_up
stage "static checks" static_checks
stage "debug build" swift build --build-tests
stage "swift tests" swift test --skip-build --disable-xctest
binary="$(swift build --show-bin-path)/cross-entropy-service"
stage "README examples" scripts/check_readme.py "$binary"
stage "schemathesis" scripts/schemathesis.sh "$binary"
stage "contract checks" scripts/contract-checks.sh "$binary"
if [ -z "${SKIP_SLOW:-}" ]; then
    stage "bench programs build" bench/check-builds.sh
    if [ "$(id -u)" -eq 0 ]; then
        stage "container smoke" scripts/container-smoke.sh
        # The shipped manifest under a kernel memory limit, with the image's own binary.
        stage "memory limit" scripts/memory_limit.py \
            "$(swift build -c release --static-swift-stdlib --scratch-path .build-smoke/swift --show-bin-path)/cross-entropy-service" 8
    else
        echo "container smoke and memory limit: skipped (need root for debootstrap, chroot and cgroups)"
    fi
    stage "sanitizers" scripts/sanitizers.sh
fi
