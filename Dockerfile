# One image for the bot workers and the desk (compose.yaml). Installed editable so that data/ and locales/ are
# found beside the code.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY db db
COPY data data
COPY locales locales
RUN pip install --no-cache-dir -e . && useradd --system samenbot
USER samenbot
ENV PYTHONUNBUFFERED=1
CMD ["samenbot", "run", "--webhook", "--no-desk"]
