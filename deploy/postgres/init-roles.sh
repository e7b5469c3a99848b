#!/bin/sh
# Runs once, when the PostgreSQL volume is initialised (mounted into docker-entrypoint-initdb.d).
#
# One role per purpose, none of them the superuser:
#   temporal      Temporal's own databases (it creates them: CREATEDB), nothing of twoway's;
#   twoway_owner  owns twoway's database and schema; only `twoway migrate` logs in with it;
#   twoway_app    what the worker, web app and dispatcher log in with: rows only. It can read
#                 and write the tables the migrations create, but owns none, so it can neither
#                 drop nor disable the trigger that keeps the event store append-only.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" \
  -v owner_password="$TWOWAY_OWNER_PASSWORD" \
  -v app_password="$TWOWAY_APP_PASSWORD" \
  -v database="${TWOWAY_DB:-twoway}" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
CREATE ROLE twoway_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE twoway_app LOGIN PASSWORD :'app_password';
CREATE DATABASE :"database" OWNER twoway_owner;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO twoway_owner, twoway_app;
\connect :"database"
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO twoway_owner;
GRANT USAGE ON SCHEMA public TO twoway_app;
-- Whatever the owner creates later (every migration) is usable by the app, rows only.
ALTER DEFAULT PRIVILEGES FOR ROLE twoway_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO twoway_app;
ALTER DEFAULT PRIVILEGES FOR ROLE twoway_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO twoway_app;
ALTER DEFAULT PRIVILEGES FOR ROLE twoway_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO twoway_app;
SQL
