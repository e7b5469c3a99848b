FROM python:3.11.11-slim
WORKDIR /app
COPY pyproject.toml README.md worker.py starter.py ./
COPY twoway ./twoway
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY store ./store
RUN pip install --no-cache-dir . && useradd --system twoway
USER twoway
CMD ["twoway", "worker"]
