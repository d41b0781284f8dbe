# The `europass` binary as a container image: the service (`serve`, the default) and the
# operators' commands (`migrate`, `replay --verify`, `purge-tryout`, …) with the same image.
#
#   docker build -t europass .
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://… -e PUBLIC_URL=https://… europass
#
# Needs BuildKit (the default builder since Docker Engine 23) for the cache mounts.
# Deployment, probes and settings: docs/deployment.md.

FROM rust:1.95-bookworm AS builder
WORKDIR /src
# The whole workspace (less what .dockerignore leaves out): Cargo resolves every member, and
# the build embeds migrations/ (sqlx::migrate!) and pdf-templates/certificate.typ and
# labels.json (include_str!); the fonts come from the typst-assets crate.
COPY . .
# Cache mounts keep the crates and the build between image builds; the binary is copied out
# of the cached target/ because a cache mount is not part of the layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin europass \
 && install -D -m 0755 target/release/europass /out/europass

FROM debian:bookworm-slim
# The binary reads no files at run time (template, fonts and migrations are compiled in; times
# are UTC). Its TLS roots are compiled in too (webpki-roots); ca-certificates is here for the
# tools an operator may add, and costs little.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 europass \
 && useradd --system --uid 10001 --gid europass --home-dir /var/lib/europass \
            --shell /usr/sbin/nologin europass \
 && install -d -o europass -g europass -m 0750 /var/lib/europass
COPY --from=builder /out/europass /usr/local/bin/europass

# Numeric, so that an orchestrator can check it is not root (runAsNonRoot).
USER 10001:10001
# The only thing written locally: the e-mail outbox when SMTP_URL is unset (one replica, tests).
WORKDIR /var/lib/europass
ENV BIND_ADDR=0.0.0.0:8080 \
    OUTBOX_DIR=/var/lib/europass/outbox
EXPOSE 8080
# SIGTERM drains in-flight requests and exits 0.
STOPSIGNAL SIGTERM
# No HEALTHCHECK: it would need curl in the image. Probe GET /health/live (liveness) and
# GET /health/ready (readiness) from the orchestrator instead (docs/deployment.md).
ENTRYPOINT ["europass"]
CMD ["serve"]
