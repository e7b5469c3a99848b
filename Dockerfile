FROM python:3.11.11-slim
WORKDIR /app
# Every package and top-level module a release needs (the list in pyproject.toml's
# [tool.setuptools]); tests/platform/test_dockerfile.py checks that none is missing.
# The locked dependencies first: their layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md worker.py starter.py ./
COPY twoway ./twoway
COPY cli ./cli
COPY localstack ./localstack
COPY services ./services
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY store ./store
COPY projections ./projections
COPY delivery ./delivery
COPY roster ./roster
COPY reporting ./reporting
COPY simulation ./simulation
COPY web ./web
COPY content ./content
RUN pip install --no-cache-dir --no-deps . && useradd --system twoway
USER twoway
CMD ["twoway", "worker"]
