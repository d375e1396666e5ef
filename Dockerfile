# syntax=docker/dockerfile:1
# crawler image: a build stage that compiles the release binary with the
# project's own scripts/install-deps and CMake preset, and a runtime stage on
# the same base that holds the binary, the shared libraries listed in
# scripts/runtime-packages (checked against `ldd crawler` by
# tests/packaging/runtime_libraries_test.sh) and a non-root user.
# Build: docker build -t crawler .   Run: see README.md, "Docker".
# Where no registry is reachable, DEBIAN_IMAGE names a base made from Debian
# packages (scripts/docker-check makes one with mmdebstrap and docker import).

ARG DEBIAN_IMAGE=debian:12-slim

# ---- build ------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
# install-deps first, alone, so that the package layer stays cached while
# the sources change.
COPY scripts/install-deps scripts/apt-backports scripts/
RUN scripts/install-deps --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
# The release preset builds into build/release (CMakePresets.json).
RUN cmake --preset release -DCRAWLER_BUILD_TESTS=OFF -DCRAWLER_BUILD_BENCH=OFF \
 && cmake --build --preset release -j"$(nproc)" \
 && build/release/crawler/crawler --help >/dev/null

# ---- runtime ----------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime
# The shared libraries crawler loads that debian:12-slim lacks, plus
# ca-certificates: one package a line, comments allowed.
# libcurl 8 comes from bookworm-backports, as in the build stage.
COPY scripts/runtime-packages scripts/apt-backports /tmp/
RUN set -eu; \
    pkgs="$(sed -e 's/#.*//' /tmp/runtime-packages)"; \
    test -n "$(echo $pkgs)"; \
    /tmp/apt-backports; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs; \
    rm -rf /var/lib/apt/lists/* /tmp/runtime-packages /tmp/apt-backports

# Fixed uid/gid 10001 so that bind mounts and volumes can be owned on the
# host. Not --system: useradd warns that 10001 > SYS_UID_MAX. --no-log-init:
# no sparse /var/log/lastlog entry for a large uid.
RUN groupadd --gid 10001 crawler \
 && useradd --no-log-init --uid 10001 --gid crawler \
      --home-dir /data --no-create-home --shell /usr/sbin/nologin crawler \
 && mkdir -p /data /config \
 && chown crawler:crawler /data

COPY --from=build /src/build/release/crawler/crawler /usr/local/bin/crawler

USER crawler:crawler
WORKDIR /data
# The crawl database lives here. /data is created and chowned above, before
# VOLUME, so that a new named volume starts out writable by uid 10001.
VOLUME /data
# `serve` answers its web console, /healthz, /metrics (Prometheus) and
# /status here (its default --listen is 127.0.0.1:9090; to publish it, give
# --listen 0.0.0.0:9090 and a console token, CRAWLER_SERVE_CONSOLE_TOKEN).
EXPOSE 9090

# crawler is PID 1 (exec-form ENTRYPOINT) and handles SIGTERM itself: it
# takes no new work, gives the fetches in flight --grace seconds (10 by
# default), writes what it fetched and exits 0. `docker stop` sends SIGTERM,
# then SIGKILL after its own grace period (-t, 10 s by default: give it
# more than --grace).
STOPSIGNAL SIGTERM
# The daemon (`serve`) answers /healthz on its --listen address; the image
# checks it with the crawler itself (no curl in the runtime image). A plain
# `crawl` has no endpoint: run it with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["crawler", "healthcheck", "http://127.0.0.1:9090/healthz"]

ENTRYPOINT ["crawler"]
CMD ["--help"]
