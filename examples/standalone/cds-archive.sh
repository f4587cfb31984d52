#!/bin/sh
# Writes a start-up archive for the standalone jar from one training run on a throw-away data dir (H2, no
# UPLOADKIT_* setting of yours is used), which answers a few list requests and is stopped with SIGTERM; the archive
# is written as the JVM exits. Later starts map the archive instead of loading and verifying ~5,000 classes.
#
# The JDK is $JAVA if set, else java on the PATH:
# - JDK 25 or later: an AOT cache (-XX:AOTCacheOutput, JEP 483/514/515): classes loaded and linked ahead of time,
#   plus the training run's method profiles, so the JIT starts warm. Start with -XX:AOTCache=ARCHIVE.
# - JDK 17 to 24: a dynamic class-data-sharing archive (-XX:ArchiveClassesAtExit). Start with
#   -XX:SharedArchiveFile=ARCHIVE.
#
#   examples/standalone/cds-archive.sh [JAR] [ARCHIVE]
#
# JAR defaults to examples/standalone/target/uploadkit-standalone.jar, ARCHIVE to the jar's name with .aot (JDK 25+)
# or .jsa. The archive fits only the jar it was made from (same path, same file), the same JDK and the same GC and
# heap-size class of options: after a rebuild or a JDK update, run this again (a stale archive is ignored with a
# warning, and the server starts without it). Needs curl.
set -eu

java=${JAVA:-java}
jar=${1:-examples/standalone/target/uploadkit-standalone.jar}
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
if [ "${major:-17}" -ge 25 ]; then
    archive=${2:-${jar%.jar}.aot}
    record="-XX:AOTCacheOutput=$archive"
    use="-XX:AOTCache=$archive"
else
    archive=${2:-${jar%.jar}.jsa}
    record="-XX:ArchiveClassesAtExit=$archive"
    use="-XX:SharedArchiveFile=$archive"
fi
[ -f "$jar" ] || { echo "No jar at $jar; build it with: mvn -pl examples/standalone -am package -DskipTests" >&2; exit 2; }
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")

data=$(mktemp -d)
log="$data/training.log"
for name in $(env | sed -n 's/^\(UPLOADKIT_[A-Z0-9_]*\)=.*/\1/p'); do
    unset "$name"
done
rm -f "$archive"
"$java" "$record" -jar "$jar" --port 0 --data-dir "$data/data" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

base=
tries=0
while [ -z "$base" ]; do
    tries=$((tries + 1))
    if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -gt 1200 ]; then
        echo "The training run did not start; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
    base=$(sed -n 's/^Uploadkit listening on \(http[^ ]*\).*/\1/p' "$log")
done
key=$(sed -n 's/^Admin API key: \([^ ]*\).*/\1/p' "$log")
# The classes of an authenticated list and of an error answer, as a first request needs them (a few times over, so
# that a JDK 25 training run records the methods' profiles too).
for i in 1 2 3 4 5 6 7 8; do
    curl -sf -o /dev/null -H "X-API-Key: $key" "$base/files?per_page=1"
    curl -s -o /dev/null "$base/files"
done
# The store and the background work start after the first answer; their classes belong in the archive too.
tries=0
while ! grep -q 'Started: ' "$log" && kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 600 ]; do
    tries=$((tries + 1))
    sleep 0.1
done
kill -TERM "$pid"
wait "$pid" || true
trap 'rm -rf "$data"' EXIT
if [ ! -s "$archive" ]; then
    echo "No archive was written; the training run's log:" >&2
    cat "$log" >&2
    exit 1
fi
echo "Wrote $archive; start with: $java $use -jar $jar"
