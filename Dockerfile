# VX11: one Node.js process, one port (8000).
#
#   docker build -t vx11 .
#   docker run -d --name vx11 -p 8000:8000 \
#     -v vx11-data:/app/data -v vx11-logs:/app/logs \
#     -e REDIS_URL=redis://redis:6379 -e VX11_TOKEN=... \
#     --stop-timeout 30 vx11
#
# The one-file variant (issue 19): the single executable, on plain Debian (no Node, no
# node_modules in the image):
#
#   docker build --target binary -t vx11:binary .
#   docker run -d --name vx11 -p 8000:8000 -v vx11-data:/var/lib/vx11/data \
#     -v vx11-logs:/var/lib/vx11/logs -e REDIS_URL=redis://redis:6379 --stop-timeout 30 vx11:binary
#
# Notes:
# - Auth mode stays "token". Without VX11_TOKEN a token is generated into /app/data/.vx11_token
#   (keep /app/data on a volume or it changes with every new container).
# - REDIS_URL defaults to redis://127.0.0.1:6379, i.e. the container itself: point it at your Redis.
# - VX11 waits up to 20 s (shutdownTimeoutMs) for in-flight work on SIGTERM, longer than
#   Docker's default 10 s stop timeout: use --stop-timeout 30 (compose: stop_grace_period: 30s).

# ---- build: compile TypeScript and the better-sqlite3 native addon -------------------------
FROM node:20-bookworm-slim AS builder

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY package.json package-lock.json ./
# npm install (not ci): the lock omits optional platform binaries our registry mirror lacks.
RUN npm install --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- the single executable (`npm run release`; needs the dev dependencies esbuild, postject) --
FROM builder AS release-builder
COPY config ./config
COPY scripts ./scripts
RUN node scripts/release.js --no-build

# ---- runtime dependencies only ---------------------------------------------------------------
FROM builder AS pruned
RUN npm prune --omit=dev \
    && npm cache clean --force

# ---- binary: the single executable alone (`docker build --target binary`) --------------------
# Same Debian as the builder, so the embedded Node and better-sqlite3's addon match its libc.
FROM debian:bookworm-slim AS binary

# The node flags of scripts/node-flags.js: a single executable takes them from NODE_OPTIONS.
ENV NODE_ENV=production \
    NODE_OPTIONS=--v8-pool-size=0 \
    VX11_HOST=0.0.0.0 \
    VX11_PORT=8000

# The binary carries config defaults, migrations and the console; it writes its data and logs
# under the working directory (data/.cache holds the files it extracts once: addon, console).
COPY --from=release-builder /app/release/vx11-linux-x64 /usr/local/bin/vx11
RUN useradd --system --home-dir /var/lib/vx11 --shell /usr/sbin/nologin vx11 \
    && install -d -o vx11 -g vx11 -m 0750 /var/lib/vx11 /var/lib/vx11/data /var/lib/vx11/logs

WORKDIR /var/lib/vx11
USER vx11
EXPOSE 8000

# No node and no curl here: bash's /dev/tcp asks /health on the loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${VX11_PORT:-8000} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

# `docker exec vx11 vx11 status` (or backup, …) runs the CLI from the same binary.
CMD ["vx11"]

# ---- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

ENV NODE_ENV=production \
    VX11_HOST=0.0.0.0 \
    VX11_PORT=8000

WORKDIR /app

# Code stays owned by root (read-only for the app); only data/ and logs/ belong to `node`.
COPY --from=pruned /app/node_modules ./node_modules
COPY --from=pruned /app/dist ./dist
# The operator console: static files served from their source folder (no build step).
COPY --from=pruned /app/src/modules/operator/console ./src/modules/operator/console
COPY config ./config
COPY package.json ./

RUN mkdir -p /app/data /app/logs \
    && chown node:node /app/data /app/logs

USER node

EXPOSE 8000

# No curl in slim images: ask /health with node itself, on the loopback (the server binds 0.0.0.0).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "const r=require('http').get({host:'127.0.0.1',port:Number(process.env.VX11_PORT)||8000,path:'/health',timeout:4000},(s)=>process.exit(s.statusCode===200?0:1));r.on('timeout',()=>r.destroy(new Error('timeout')));r.on('error',()=>process.exit(1))"]

CMD ["node", "--v8-pool-size=0", "dist/src/main.js"]
