#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the tests use, if they are stopped.
set -euo pipefail
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if ! pg_up; then
  echo "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing: install PostgreSQL (apt-get install postgresql)" >&2
    exit 1
  fi
fi
if ! redis_up; then
  echo "starting Redis"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  else
    echo "Redis is not running on 127.0.0.1:6379 and redis-server is missing: install it (apt-get install redis-server)" >&2
    exit 1
  fi
fi
for i in $(seq 1 50); do
  if pg_up && redis_up; then exit 0; fi
  sleep 0.2
done
echo "PostgreSQL or Redis did not come up" >&2
exit 1
