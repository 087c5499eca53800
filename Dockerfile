# newsharvest container image: the `newsharvest` binary and the bundled rule files, nothing else.
#
#   docker build -t registry.example.org/newsharvest:latest .
#   docker push registry.example.org/newsharvest:latest
#   docker run --rm -v "$PWD:/data" registry.example.org/newsharvest:latest extract page.html
#
# (`podman build` / `buildah build` take the same file.) The recipes in docs/scaling.md and
# docs/operations.md use this image; docs/scaling.md says how this file was checked.

# --- build stage ------------------------------------------------------------------------
# The Rust image carries gcc and libc headers: the build compiles C through the `cc` crate
# (SQLite for rusqlite's `bundled` feature, zstd, and the vendored HTML engine under vendor/).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# --locked: exactly the dependency versions of Cargo.lock. Only the CLI binary is built (not
# the Python package of the workspace, nor tests, examples or benchmarks).
RUN cargo build --release --locked --bin newsharvest \
 && install -m 0755 target/release/newsharvest /usr/local/bin/newsharvest

# --- runtime stage ----------------------------------------------------------------------
# Same Debian release as the builder, so the binary's glibc matches. ca-certificates for
# anything in the image that speaks TLS (the crawler's HTTP client carries its own root
# certificates as well).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 newsharvest \
 && useradd --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin newsharvest \
 && install -d -o 10001 -g 10001 /data

COPY --from=build /usr/local/bin/newsharvest /usr/local/bin/newsharvest
# The bundled rules are compiled into the binary; this copy is for reading them and as a
# starting point for your own `--selectors DIR` (mount it, e.g. at /etc/newsharvest/selectors).
COPY selectors/ /usr/share/newsharvest/selectors/

# Non-root; numeric, so Kubernetes' runAsNonRoot can verify it. Mounted volumes must be
# writable by uid/gid 10001 (Kubernetes: securityContext.fsGroup: 10001).
USER 10001:10001
WORKDIR /data
ENTRYPOINT ["newsharvest"]
CMD ["--help"]
