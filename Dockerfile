# syntax=docker/dockerfile:1

# Build stage: the Swift toolchain on Debian bookworm, with libmicrohttpd's and zlib's headers.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmicrohttpd-dev=0.9.75-* zlib1g-dev=1:1.2.13.* pkg-config=1.8.1-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product cross-entropy-service \
    && install -m 0755 "$(swift build -c release --show-bin-path)/cross-entropy-service" /usr/local/bin/

# Runtime stage: glibc, zlib (in every Debian image) and libmicrohttpd only (the Swift runtime
# is linked in statically).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmicrohttpd12=0.9.75-* \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin scorer
COPY --from=build /usr/local/bin/cross-entropy-service /usr/local/bin/cross-entropy-service
# Apache-2.0 §4(d): the licence and the NOTICE texts of the statically linked Swift packages.
COPY LICENSE NOTICE /usr/share/doc/cross-entropy-service/
USER 10001
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
# The slim image has no curl: the binary probes its own /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/cross-entropy-service", "healthcheck"]
# Exec form: the service is PID 1 and receives SIGTERM itself, then drains and exits 0.
ENTRYPOINT ["/usr/local/bin/cross-entropy-service"]
