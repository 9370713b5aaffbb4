# octopus-render: the queue worker (default command) and the render CLI in one small image.
#   docker build -t octopus-render .
#   docker run --rm -e AMQP_URL=amqp://user:pass@rabbit:5672/%2f \
#     -e INPUT_ROOTS=s3://designs/ -e OUTPUT_ROOTS=s3://renders/ octopus-render
#   docker run --rm -v "$PWD:/work" octopus-render render /work/design.json -o /work/out.png
# Kubernetes manifests for the normal and fallback tiers are in k8s/ (see docs/deploy.md).
# CI replays this build without a Docker engine (.ci/docker-replay) and lints it (hadolint).
#
# Base images are pinned by version. Pin them by digest as well where you build, with
# `docker buildx imagetools inspect rust:1.95.0-bookworm` (and the same for debian): CI here
# has neither a Docker engine nor registry access to read digests. Both are Debian 12, so
# the binary's glibc is the runtime's.

# 1. The dependency skeleton: manifests, lockfile and an empty file per target, derived
#    from `cargo metadata` so it cannot drift from the manifests.
FROM rust:1.95.0-bookworm AS planner
WORKDIR /src
COPY . .
RUN sh docker/skeleton.sh /src /skeleton

# 2. Dependencies, cached until a manifest or the lockfile changes; then the sources.
FROM rust:1.95.0-bookworm AS build
WORKDIR /src
COPY --from=planner /skeleton ./
# Portable x86-64 by default; --build-arg RUSTFLAGS="-C target-cpu=x86-64-v3" builds an
# AVX2-only image (faster compositing loops; it will not start on pre-2013 CPUs).
ARG RUSTFLAGS=""
RUN cargo build --release --locked --bin octopus-render
COPY octopus-schema/src octopus-schema/src
COPY src src
# The embedded fallback font (Inter, SIL OFL) is compiled into the binary.
COPY fixtures/fonts fixtures/fonts
# COPY keeps the context's modification times, which can be older than the skeleton build:
# touch the sources so cargo rebuilds the two workspace crates over their stubs.
RUN find src octopus-schema/src -name '*.rs' -exec touch {} + \
    && cargo build --release --locked --bin octopus-render \
    && ./target/release/octopus-render --version

# 3. Runtime: glibc, CA roots, fonts, the binary, a user without a home.
FROM debian:12.11-slim
# Fonts are pinned (stable within Debian 12). ca-certificates is left at the newest
# Debian 12 security update on purpose: a pin would either keep stale CA roots or break
# the build when the security archive replaces the version. Hence DL3008 is ignored here.
# Liberation: metric-compatible Arial, Times New Roman and Courier New; Inter: the UI
# font of many designs. Substituted text keeps its line breaks.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        fonts-liberation2=2.1.5-1 \
        fonts-inter=4.0~beta7+ds-1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 octopus \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --shell /usr/sbin/nologin octopus
COPY --from=build /src/target/release/octopus-render /usr/local/bin/octopus-render
COPY fixtures/fonts/OFL.txt /usr/share/doc/octopus-render/Inter-OFL.txt
# Non-root; nothing is written to the filesystem, so it runs with a read-only root
# (k8s/base sets readOnlyRootFilesystem).
USER 10001:10001
# /metrics, /livez and /readyz of the worker.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/octopus-render"]
CMD ["worker"]
