# octopus-render: the render CLI and the queue worker in one small runtime image.
#   docker build -t octopus-render .
#   docker run --rm -v "$PWD:/work" octopus-render render /work/design.json -o /work/out.png
#   docker run --rm -e AMQP_URL=amqp://user:pass@rabbit:5672/%2f octopus-render worker
# Kubernetes manifests for the normal and fallback worker tiers are in k8s/.
FROM rust:1-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not refetch the registry.
COPY Cargo.toml Cargo.lock ./
COPY octopus-schema/Cargo.toml octopus-schema/Cargo.toml
RUN mkdir -p src benches octopus-schema/src \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs octopus-schema/src/lib.rs \
    && echo 'fn main() {}' > benches/pipeline.rs && cp benches/pipeline.rs benches/peer.rs \
    && cargo fetch --locked
COPY octopus-schema octopus-schema
COPY src src
COPY benches benches
# The embedded fallback font (Inter, SIL OFL) is compiled into the binary.
COPY fixtures/fonts fixtures/fonts
# Portable x86-64 by default; build with --build-arg RUSTFLAGS="-C target-cpu=x86-64-v3" for an
# AVX2-only image (faster compositing loops, but it will not start on pre-2013 CPUs).
ARG RUSTFLAGS=""
RUN RUSTFLAGS="$RUSTFLAGS" cargo build --release --locked --bin octopus-render

FROM debian:bookworm-slim
# CA roots for HTTPS object stores; metric-compatible substitutes for Arial, Times New Roman
# and Courier New (Liberation) and Inter, so substituted text keeps its line breaks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates fonts-liberation2 fonts-inter \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 octopus
COPY --from=build /src/target/release/octopus-render /usr/local/bin/octopus-render
COPY fixtures/fonts/OFL.txt /usr/share/doc/octopus-render/Inter-OFL.txt
USER 10001
# /metrics, /livez, /readyz of the worker.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/octopus-render"]
CMD ["--help"]
