# syntax=docker/dockerfile:1
# One image per Nx project, from this one file:
#   docker build --build-arg APP=ingest-gateway         --build-arg PORT=3000 -t opal/ingest-gateway .
#   docker build --build-arg APP=diagnostics-worker     --build-arg PORT=3001 -t opal/diagnostics-worker .
#   docker build --build-arg APP=recommendations-worker --build-arg PORT=3002 -t opal/recommendations-worker .
#   docker build --build-arg APP=ops-console            --build-arg PORT=8080 -t opal/ops-console .
#   docker build --build-arg APP=kafka-init --build-arg APP_ROOT=tools -t opal/kafka-init .
# The webpack bundle keeps node_modules external, so the runtime stage gets production dependencies only.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS build
ARG APP=ingest-gateway
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true
RUN npx nx run "${APP}:build" --skip-nx-cache --outputStyle=static

FROM ${NODE_IMAGE} AS runtime
ARG APP=ingest-gateway
ARG APP_ROOT=apps
ARG PORT=3000
# The apps bind 127.0.0.1 by default; in a container the probes and peers come from outside.
ENV HOST=0.0.0.0 PORT=${PORT} NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/${APP_ROOT}/${APP}/ ./dist/
# The image's `node` user (uid 1000); Kubernetes' runAsNonRoot needs the numeric id.
USER 1000:1000
EXPOSE ${PORT}
# node, not curl: the slim image has no curl. The HTTP-serving apps only; kafka-init runs once and exits.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: Node is PID 1 and receives SIGTERM itself (graceful drain, then close).
CMD ["node", "dist/main.js"]
