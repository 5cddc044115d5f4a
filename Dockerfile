# VX11: one Node.js process, one port (8000).
#
#   docker build -t vx11 .
#   docker run -d --name vx11 -p 8000:8000 \
#     -v vx11-data:/app/data -v vx11-logs:/app/logs \
#     -e REDIS_URL=redis://redis:6379 -e VX11_TOKEN=... \
#     --stop-timeout 30 vx11
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
RUN npm run build \
    && npm prune --omit=dev \
    && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

ENV NODE_ENV=production \
    VX11_HOST=0.0.0.0 \
    VX11_PORT=8000

WORKDIR /app

# Code stays owned by root (read-only for the app); only data/ and logs/ belong to `node`.
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
# The operator console: static files served from their source folder (no build step).
COPY --from=builder /app/src/modules/operator/console ./src/modules/operator/console
COPY config ./config
COPY package.json ./

RUN mkdir -p /app/data /app/logs \
    && chown node:node /app/data /app/logs

USER node

EXPOSE 8000

# No curl in slim images: ask /health with node itself, on the loopback (the server binds 0.0.0.0).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "const r=require('http').get({host:'127.0.0.1',port:Number(process.env.VX11_PORT)||8000,path:'/health',timeout:4000},(s)=>process.exit(s.statusCode===200?0:1));r.on('timeout',()=>r.destroy(new Error('timeout')));r.on('error',()=>process.exit(1))"]

CMD ["node", "dist/src/main.js"]
