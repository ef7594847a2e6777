#!/usr/bin/env bash
# Fails when any Swift file is not formatted as .swift-format says (fix: scripts/format.sh).
# Generated code (Sources/*/Generated, from scripts/generate-swift-client.sh) is left as generated.
set -euo pipefail
cd "$(dirname "$0")/.."
find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 \
    | xargs -0 swift format lint --strict Package.swift
# Synchronization's Mutex hides a contended hand-over from ThreadSanitizer (Sources/HTTPTransport/Locked.swift).
if grep -rnE '\bMutex(<|\()' Sources Tests --include='*.swift'; then
    echo "lint: use Locked (Sources/HTTPTransport/Locked.swift), not Mutex" >&2
    exit 1
fi
# The service's own words are ASCII: problem+json has no charset parameter, and clients that
# guess one (Python requests' `.text`) garble anything else. Comments, the embedded openapi.yaml
# and the marker of a cut client text ("…") aside.
if grep -rnP '[^\x00-\x7F]' Sources/ScoringServer Sources/HTTPTransport Sources/MicroHTTPDServer --include='*.swift' \
    | grep -vP '^\S+:\d+:\s*//' | grep -v 'OpenAPIDocument.swift:' | grep -v 'ClientText.swift:.*"…"'; then
    echo "lint: keep the service's own texts ASCII (above)" >&2
    exit 1
fi
echo "lint: ok"
