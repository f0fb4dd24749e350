# The harness worker image (see docker-compose.yml). The Temporal server runs elsewhere, so the
# image skips building the Temporal CLI.
FROM node:20-bookworm-slim
WORKDIR /app
ENV HARNESS_SKIP_TEMPORAL_BUILD=1 NODE_ENV=production
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci --no-audit --no-fund
COPY harness.yaml tsconfig.json ./
COPY examples ./examples
# SIGTERM → graceful shutdown: in-flight activities finish or are retried elsewhere.
CMD ["node", "bin/harness.mjs", "worker"]
