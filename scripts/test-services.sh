# Sourced by `make test`: make sure the PostgreSQL the suite uses is there.
# Redis, Celery workers, gunicorn and chromium are started by the tests themselves.
# Set TEST_DATABASE_URL to use a PostgreSQL of your own (the role needs CREATEDB).
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v pg_ctlcluster >/dev/null; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    [ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do
      su postgres -c "pg_isready -q" && break
      sleep 0.5
    done
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='studio_test'\"" | grep -q 1 ||
      su postgres -c "psql -qc \"CREATE ROLE studio_test LOGIN CREATEDB PASSWORD 'studio_test'\""
    # A throwaway local test role: superuser so DROP DATABASE ... WITH (FORCE) may also
    # stop autovacuum workers on a test database.
    su postgres -c "psql -qc \"ALTER ROLE studio_test SUPERUSER\"" >/dev/null
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='studio_test'\"" | grep -q 1 ||
      su postgres -c "createdb -O studio_test studio_test"
    export TEST_DATABASE_URL="postgresql://studio_test:studio_test@127.0.0.1:5432/studio_test"
  else
    echo "PostgreSQL: set TEST_DATABASE_URL (a role with CREATEDB), or run as root with Debian's postgresql installed." >&2
    return 1
  fi
fi
