#!/usr/bin/env bash
# Smoke test of the production configuration: the command side and the query side as two
# processes against a PostgreSQL server, configured only by environment variables, trusting a
# JWT public key. Needs the jars built. The server is the one at $PGHOST:$PGPORT (default
# 127.0.0.1:5432; its cluster is started if it is stopped); when none answers there, a
# throwaway one is started in a temporary directory on a free port (from PG_BIN, the system's
# PostgreSQL binaries, or the embedded PostgreSQL binaries the build downloaded) and stopped
# at the end. The smoke never passes without having run: no server at all is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
DB=portal_users_smoke
work=$(mktemp -d)
pids=()
own_pg=""      # the throwaway server's directory, when this script started one
own_pg_bin=""
pg_user=""     # who runs it: PostgreSQL refuses to run as root
as_pg() { if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$own_pg" ]; then
    if [ -f "$own_pg/data/postmaster.pid" ]; then
      as_pg "$own_pg_bin/pg_ctl" -D "$own_pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$own_pg"
  fi
}
trap cleanup EXIT

free_port() {
  local port
  for port in $(seq $((40000 + RANDOM % 20000)) 65000); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# initdb and pg_ctl: PG_BIN if set, else the newest system PostgreSQL, else the embedded
# PostgreSQL binaries jar in the local Maven repository (unpacked into $own_pg)
postgres_binaries() {
  local dir jar arch
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return 0; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64v8 ;; *) return 1 ;; esac
  jar=$(ls "${MAVEN_REPOSITORY:-$HOME/.m2/repository}"/io/zonky/test/postgres/embedded-postgres-binaries-linux-$arch/*/*.jar \
    2>/dev/null | sort -V | tail -n 1)
  [ -n "$jar" ] || return 1
  mkdir -p "$own_pg/dist"
  unzip -p "$jar" '*.txz' | tar -xJ -C "$own_pg/dist" || return 1
  echo "$own_pg/dist/bin"
}

start_throwaway_postgres() {
  local port
  own_pg=$(mktemp -d "${TMPDIR:-/tmp}/smoke-postgres.XXXXXX")
  own_pg_bin=$(postgres_binaries) || { echo "smoke: no PostgreSQL binaries found (PG_BIN, /usr/lib/postgresql, ~/.m2)"; return 1; }
  if [ "$(id -u)" = 0 ]; then
    pg_user=$(getent passwd postgres >/dev/null && echo postgres || echo nobody)
    chown -R "$pg_user" "$own_pg"
  fi
  port=$(free_port) || { echo "smoke: no free port for a throwaway PostgreSQL"; return 1; }
  echo "smoke: starting a throwaway PostgreSQL from $own_pg_bin on port $port"
  as_pg "$own_pg_bin/initdb" -D "$own_pg/data" -U postgres --auth=trust -E UTF8 --no-sync >"$own_pg/initdb.log" 2>&1 \
    || { cat "$own_pg/initdb.log"; return 1; }
  as_pg "$own_pg_bin/pg_ctl" -D "$own_pg/data" -l "$own_pg/server.log" -w -t 60 \
    -o "-p $port -k $own_pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$own_pg/server.log"; return 1; }
  PGHOST=127.0.0.1
  PGPORT=$port
}

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  echo "smoke: PostgreSQL is not answering at $PGHOST:$PGPORT; trying to start it"
  # only the machine's cluster that listens on that port: another one would not answer there
  clusters=""
  if command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null; then
    clusters=$(pg_lsclusters -h 2>/dev/null | awk -v port="$PGPORT" '$3 == port && $4 != "online" {print $1, $2}')
  fi
  if [ -n "$clusters" ]; then
    while read -r version cluster; do
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
    done <<<"$clusters"
    for _ in $(seq 1 20); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
  fi
fi
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  start_throwaway_postgres || { echo "smoke: FAILED - no PostgreSQL server at $PGHOST:$PGPORT, and none could be started"; exit 1; }
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || { echo "smoke: FAILED - the throwaway PostgreSQL does not answer"; exit 1; }
fi

PGOPTIONS=--client-min-messages=warning psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/issuer.key" 2>/dev/null
openssl rsa -in "$work/issuer.key" -pubout -out "$work/issuer.pem" 2>/dev/null

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
ISSUER=https://idp.smoke.example
AUDIENCE=portal-users-smoke
payload=$(printf '{"iss":"%s","aud":"%s","sub":"00000000-0000-4000-8000-000000000001","iat":%d,"exp":%d}' \
  "$ISSUER" "$AUDIENCE" "$now" $((now + 600)) | b64url)
sign() { printf '%s.%s' "$header" "$1" | openssl dgst -sha256 -sign "$work/issuer.key" -binary | b64url; }
TOKEN="$header.$payload.$(sign "$payload")"
# the same identity provider's token for another API: refused (R-AUTH-2)
foreign=$(printf '{"iss":"%s","aud":"billing-api","sub":"00000000-0000-4000-8000-000000000001","iat":%d,"exp":%d}' \
  "$ISSUER" "$now" $((now + 600)) | b64url)
FOREIGN="$header.$foreign.$(sign "$foreign")"

export SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
export SPRING_DATASOURCE_USERNAME=postgres
export SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_PUBLIC_KEY_LOCATION="file:$work/issuer.pem"
export SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI="$ISSUER"
export SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES="$AUDIENCE"
# the key that wraps every person's data key: the sides refuse to start without one
export PORTAL_PRIVACY_MASTER_KEY="$(openssl rand -base64 32)"

SERVER_PORT=18081 java -jar command-side/target/command-side-*-exec.jar >"$work/command.log" 2>&1 &
pids+=($!)
SERVER_PORT=18082 java -jar query-side/target/query-side-*-exec.jar >"$work/query.log" 2>&1 &
pids+=($!)

fail() {
  echo "smoke: FAILED - $*"
  echo "--- command side log (tail)"; tail -n 40 "$work/command.log"
  echo "--- query side log (tail)"; tail -n 40 "$work/query.log"
  exit 1
}

for port in 18081 18082; do
  for _ in $(seq 1 90); do
    curl -fsS "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"UP"' && break
    sleep 1
  done
  curl -fsS "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"UP"' || fail "port $port never became healthy"
done

created=$(curl -sS -X POST http://localhost:18081/api/organizations \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"Smoke Test Org","accountPlan":"Gold"}' -w ' %{http_code}')
case "$created" in *" 201") ;; *) fail "create organization answered: $created" ;; esac
id=$(echo "$created" | sed -E 's/.*"id":"([^"]+)".*/\1/')

for _ in $(seq 1 30); do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:18082/api/organizations/$id" -H "Authorization: Bearer $TOKEN")
  [ "$status" = 200 ] && break
  sleep 1
done
[ "$status" = 200 ] || fail "the query side never showed organization $id (last status $status)"

status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:18081/api/organizations" \
  -X POST -H 'Content-Type: application/json' -d '{"name":"x","accountPlan":"y"}')
[ "$status" = 401 ] || fail "an anonymous command answered $status, not 401"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:18082/api/settings" -H "Authorization: Bearer $FOREIGN")
[ "$status" = 401 ] || fail "a token for another audience answered $status, not 401"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:18081/api/dev/token?username=admin" -H "Authorization: Bearer $TOKEN")
[ "$status" = 404 ] || fail "the embedded-only token endpoint answered $status outside the embedded default"

echo "smoke: production configuration passed (command side and query side alone on PostgreSQL at $PGHOST:$PGPORT)"
