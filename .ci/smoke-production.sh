#!/usr/bin/env bash
# Smoke test of the production configuration: the command side and the query side as two
# processes against the PostgreSQL server at 127.0.0.1:5432 (started here if it is stopped),
# configured only by environment variables, trusting a JWT public key. Needs the jars built.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=127.0.0.1
PGPORT=5432
DB=portal_users_smoke
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  echo "smoke: PostgreSQL is not answering at $PGHOST:$PGPORT; trying to start it"
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 20); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
fi
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  echo "smoke: SKIPPED - no PostgreSQL server at $PGHOST:$PGPORT on this machine (the tests on embedded PostgreSQL still run)"
  exit 0
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
