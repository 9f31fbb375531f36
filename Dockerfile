# The project as an image, for sweeps on Kubernetes (README: "Sweeps"). The sweep file and its
# trace must be inside the project folder when the image is built: they are copied in with it.
#   docker build -t stateful-cache-router:latest .
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV CI=true
# The manifests of `sweep.ts --emit k8s` give the command; by hand:
#   docker run --rm -v "$PWD/results:/app/results" stateful-cache-router npx tsx scenarios/sweep.ts my-sweep.json
CMD ["npx", "tsx", "scenarios/sweep.ts", "--help"]
