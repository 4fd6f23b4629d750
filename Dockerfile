# The studio's image: the same code runs the web server (gunicorn) and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DATA_DIR=/data
# LibreOffice (and its UNO bindings for Debian's /usr/bin/python3, which worker/pdf_bridge.py
# runs under) makes each version's PDF in the worker; poppler-utils reads PDFs back.
# Carlito: the metrics of Calibri, the house style's font, so pages break as in Word.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-crosextra-carlito curl \
      libreoffice-writer-nogui python3-uno poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN pybabel compile -d webapp/translations \
 && useradd --system --home /app studio && mkdir -p /data && chown studio /data
USER studio
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-", "webapp.wsgi:app"]
