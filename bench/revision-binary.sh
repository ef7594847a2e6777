#!/usr/bin/env bash
# Builds one revision of the service in release mode, in a git worktree of its own
# (.build-ab/REV, kept for the next comparison), and prints the path of its binary.
# Usage: bench/revision-binary.sh REV
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.build-ab/$(git rev-parse --short "$1")
if [ ! -d "$dir" ]; then git worktree add --detach "$dir" "$1" >/dev/null 2>&1; fi
(cd "$dir" && swift build -c release --product cross-entropy-service >/dev/null 2>&1)
echo "$(cd "$dir" && swift build -c release --show-bin-path)/cross-entropy-service"
