# Multi-stage build: compile in the Rust image, run from a small Debian base as a non-root user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto proto
COPY src src
COPY models models
COPY data data
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin docsift && strip target/release/docsift

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home docsift
COPY --from=build /src/target/release/docsift /usr/local/bin/docsift
USER 10001
ENV DOCSIFT_LISTEN=0.0.0.0:50051 DOCSIFT_LOG_FORMAT=json
EXPOSE 50051
# The binary is its own gRPC health probe (grpc.health.v1 Check).
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s \
  CMD ["docsift", "health", "--addr", "127.0.0.1:50051"]
ENTRYPOINT ["docsift"]
CMD ["serve"]
