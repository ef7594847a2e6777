#!/usr/bin/env bash
# Tests the Dockerfile's runtime stage without a Docker engine:
#   1. builds the release binary exactly as the Dockerfile does (--static-swift-stdlib);
#   2. checks with readelf/ldd that it needs only glibc, libmicrohttpd, and the libraries every
#      Debian base image carries (zlib1g, libstdc++6, libgcc-s1);
#   3. makes a minimal Debian bookworm root with debootstrap (minbase, like bookworm-slim)
#      holding only libmicrohttpd12 on top, and runs the binary there as a non-root user;
#   4. answers a /cce request, passes its own healthcheck, and exits 0 on SIGTERM.
# Needs root (debootstrap, chroot). The root is cached in .build-smoke/root between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-dependencies.sh debootstrap

echo "== build (as the Dockerfile does)"
swift build -c release --static-swift-stdlib --product cross-entropy-service --scratch-path .build-smoke/swift
binary="$(swift build -c release --static-swift-stdlib --scratch-path .build-smoke/swift --show-bin-path)/cross-entropy-service"

echo "== shared libraries"
needed=$(readelf -d "$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort)
echo "$needed" | sed 's/^/  needs /'
allowed='^(libc\.so\.6|libm\.so\.6|libmicrohttpd\.so\.12|libz\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2)$'
unexpected=$(echo "$needed" | grep -Ev "$allowed" || true)
if [ -n "$unexpected" ]; then
    echo "unexpected shared libraries: $unexpected" >&2
    exit 1
fi
if ldd "$binary" | grep -q 'libswift\|libFoundation\|libdispatch'; then
    echo "the Swift runtime is linked dynamically" >&2
    exit 1
fi

root=.build-smoke/root
if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -e "$root/usr/lib/x86_64-linux-gnu/libmicrohttpd.so.12" ]; then
    echo "== debootstrap bookworm (minbase + libmicrohttpd12)"
    rm -rf "$root"
    mkdir -p "$root"
    debootstrap --variant=minbase --include=libmicrohttpd12 bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
install -m 0755 "$binary" "$root/usr/local/bin/cross-entropy-service"
chroot "$root" id -u scorer >/dev/null 2>&1 \
    || chroot "$root" useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin scorer

echo "== run as uid 10001 inside the root"
# A container always has /proc (Swift reads its arguments from /proc/self/cmdline).
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
output=$(mktemp)
chroot --userspec=10001:10001 "$root" /usr/local/bin/cross-entropy-service --host 127.0.0.1 --port 0 >"$output" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$output"; umount "$root/proc" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q '^listening on' "$output" && break
    sleep 0.1
done
port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$output")
[ -n "$port" ] || { echo "no listening line:"; cat "$output"; exit 1; }
answer=$(curl -sf "http://127.0.0.1:$port/cce" -H 'Content-Type: application/json' \
    -d '{"predictions":[[0.2,0.7,0.1]],"labels":[1]}')
echo "  /cce answered: $answer"
case "$answer" in
    *'"loss":0.5145731728297583'*'"band":"moderate"'*) ;;
    *) echo "unexpected answer" >&2; exit 1 ;;
esac
# chroot execs the service, so $pid is the service itself.
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
echo "  running as uid: $uid"
[ "$uid" = 10001 ] || { echo "not running as uid 10001" >&2; exit 1; }
chroot --userspec=10001:10001 "$root" /usr/local/bin/cross-entropy-service healthcheck --port "$port"
echo "  healthcheck: ok"
kill -TERM $pid
wait $pid
echo "  exit status after SIGTERM: 0"
echo "container smoke: passed"
