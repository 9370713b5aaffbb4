# octopus-render: the render CLI in a small runtime image.
#   docker build -t octopus-render .
#   docker run --rm -v "$PWD:/work" octopus-render render /work/design.json -o /work/out.png
# The queue worker (`octopus-render worker`) will ship in this same image.
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
# Portable x86-64 by default; build with --build-arg RUSTFLAGS="-C target-cpu=x86-64-v3" for an
# AVX2-only image (faster compositing loops, but it will not start on pre-2013 CPUs).
ARG RUSTFLAGS=""
RUN RUSTFLAGS="$RUSTFLAGS" cargo build --release --locked --bin octopus-render

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 octopus
COPY --from=build /src/target/release/octopus-render /usr/local/bin/octopus-render
USER octopus
ENTRYPOINT ["/usr/local/bin/octopus-render"]
CMD ["--help"]
