#!/bin/sh
# Writes a class-data-sharing archive for the standalone jar, which later starts map instead of loading and
# verifying ~5,000 classes (about half of the JVM's start-up work). JDK 17 has no -XX:+AutoCreateSharedArchive
# (JDK 19+), so this is the two-step dump: one training run with -XX:ArchiveClassesAtExit on a throw-away data dir
# (H2, no UPLOADKIT_* setting of yours is used), which answers one list request and is stopped with SIGTERM; the
# archive is written as it exits.
#
#   examples/standalone/cds-archive.sh [JAR] [ARCHIVE]
#   java -XX:SharedArchiveFile=ARCHIVE -jar JAR ...
#
# JAR defaults to examples/standalone/target/uploadkit-standalone.jar, ARCHIVE to the jar's name with .jsa. The
# archive fits only the jar it was made from (same path, same file) and the same JDK: after a rebuild or a JDK
# update, run this again (a stale archive is ignored with a warning, and the server starts without it). Needs curl.
set -eu

jar=${1:-examples/standalone/target/uploadkit-standalone.jar}
archive=${2:-${jar%.jar}.jsa}
[ -f "$jar" ] || { echo "No jar at $jar; build it with: mvn -pl examples/standalone -am package -DskipTests" >&2; exit 2; }
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")

data=$(mktemp -d)
log="$data/training.log"
for name in $(env | sed -n 's/^\(UPLOADKIT_[A-Z0-9_]*\)=.*/\1/p'); do
    unset "$name"
done
rm -f "$archive"
java -XX:ArchiveClassesAtExit="$archive" -jar "$jar" --port 0 --data-dir "$data/data" >"$log" 2>&1 &
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
# The classes of an authenticated list and of an error answer, as a first request needs them.
curl -sf -o /dev/null -H "X-API-Key: $key" "$base/files?per_page=1"
curl -s -o /dev/null "$base/files"
kill -TERM "$pid"
wait "$pid" || true
trap 'rm -rf "$data"' EXIT
if [ ! -s "$archive" ]; then
    echo "No archive was written; the training run's log:" >&2
    cat "$log" >&2
    exit 1
fi
echo "Wrote $archive; start with: java -XX:SharedArchiveFile=$archive -jar $jar"
