#!/bin/sh
# PostgreSQL archive_command for point-in-time recovery (docs/operations.md):
#   archive_mode = on
#   archive_command = '/usr/local/lib/touchstone/archive-wal.sh %p %f /var/backups/touchstone/wal'
# Copies one WAL segment into the archive directory: to a temporary name, flushed to disk,
# then renamed, so the archive never holds half a segment. An existing segment with the same
# content is success (PostgreSQL may retry after a crash); different content is an error.
set -eu
[ $# -eq 3 ] || { echo "usage: archive-wal.sh %p %f ARCHIVE_DIR" >&2; exit 2; }
source_path=$1
name=$2
archive=$3
target="$archive/$name"
if [ -f "$target" ]; then
    cmp -s "$source_path" "$target" && exit 0
    echo "archive-wal.sh: $target exists with other content" >&2
    exit 1
fi
cp "$source_path" "$target.tmp"
sync "$target.tmp"
mv "$target.tmp" "$target"
sync "$archive"
