# The harness worker image (see docker-compose.yml). The Temporal server runs elsewhere, so the
# image skips building the Temporal CLI.
# Node 24: the LTS line CI runs the suite on (.ci/test-on-node); Node 20 is past end of life.
FROM node:24-bookworm-slim
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
