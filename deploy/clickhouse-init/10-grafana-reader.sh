#!/bin/bash
# Creates the read-only ClickHouse user Grafana's datasource queries with. The clickhouse-server
# image runs the scripts of /docker-entrypoint-initdb.d once, on the first start of an empty
# data volume, with the server listening on 127.0.0.1 and CLICKHOUSE_USER as its admin
# (docker-compose.yml mounts this folder there). To change the password later:
#   docker compose exec clickhouse clickhouse client -q "ALTER USER grafana IDENTIFIED BY '…'"
#
# readonly = 1 refuses every write and every change of settings, except max_execution_time,
# which the Grafana ClickHouse datasource sets on each query (its documented requirement);
# SELECT is granted on the StackLens database only.
set -euo pipefail

reader="${CLICKHOUSE_GRAFANA_USER:?set CLICKHOUSE_GRAFANA_USER}"
password="${CLICKHOUSE_GRAFANA_PASSWORD:?set CLICKHOUSE_GRAFANA_PASSWORD in .env}"
# The receiver's CLICKHOUSE_DATABASE in docker-compose.yml.
database=stacklens

# The values go into SQL text: a plain name only, and a password without quotes or backslashes.
[[ "$reader" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "CLICKHOUSE_GRAFANA_USER: letters, digits and _ only" >&2; exit 1; }
case "$password" in *\'* | *\\*) echo "CLICKHOUSE_GRAFANA_PASSWORD: no quotes or backslashes (openssl rand -hex 24)" >&2; exit 1 ;; esac

clickhouse client --host 127.0.0.1 --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}" --multiquery <<SQL
CREATE USER IF NOT EXISTS ${reader} IDENTIFIED WITH sha256_password BY '${password}'
  SETTINGS readonly = 1, max_execution_time CHANGEABLE_IN_READONLY;
GRANT SELECT ON ${database}.* TO ${reader};
SQL
echo "ClickHouse: read-only user ${reader} with SELECT on ${database}.*"
