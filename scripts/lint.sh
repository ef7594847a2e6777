#!/usr/bin/env bash
# Fails when any Swift file is not formatted as .swift-format says (fix: swift format -i -r Sources Tests Package.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Package.swift
echo "lint: ok"
