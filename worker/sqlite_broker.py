"""The embedded broker's transport for the worker: kombu's SQLAlchemy transport, looking
for new tasks more often than kombu's default of once a second.

kombu hands every transport option to `create_engine`, so `polling_interval` cannot be
given as one (SQLAlchemy refuses the unknown argument); the worker names this class as its
`broker_transport` instead, and `worker.celery_app` sets the interval from
BROKER_POLLING_INTERVAL. The web app only sends tasks and keeps kombu's own class: both
read and write the same tables.
"""

from __future__ import annotations

from kombu.transport import sqlalchemy


class Transport(sqlalchemy.Transport):
    polling_interval: float = 0.1
