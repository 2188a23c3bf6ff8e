#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.sh: puts the SPDX licence identifier at the top of source files, or checks that it is there.
# usage: spdx.sh add FILE...      add it where it is missing (after a #! line)
#        spdx.sh --check [FILE...] list the files without it (default: every tracked source file); exit 1 if any
#        spdx.sh --list            the files --check looks at by default
set -eu

ID="GPL-2.0-or-later"
TAG="SPDX-License-Identifier: $ID"

cd "$(dirname "$0")/.."

# The files that are source: code, scripts, build and packaging files, the man page.
# Data (fixtures, goldens, seeds, screenshots) and prose (Markdown, LICENSE) carry none.
list() {
	git ls-files | grep -E '(\.(c|h|sh|8)$|(^|/)Makefile$|^scripts/|^\.ci/|^debian/(rules|control|tcptop\.[a-z]+)$|^completion/)' |
		grep -vE '^tests/(fixtures|golden|fuzz/seeds)/'
}

# The comment syntax of a file, by its name or its first line.
style() {
	case $1 in
	*.c | *.h) echo c ;;
	*.8) echo roff ;;
	*) echo hash ;;
	esac
}

has_tag() { head -n 3 "$1" | grep -q "SPDX-License-Identifier:"; }

add() {
	local_f=$1
	has_tag "$local_f" && return 0
	tmp=$local_f.spdx.$$
	case $(style "$local_f") in
	c) { printf '/* %s */\n' "$TAG"; cat "$local_f"; } >"$tmp" ;;
	roff) { printf '.\\" %s\n' "$TAG"; cat "$local_f"; } >"$tmp" ;;
	hash)
		if head -n 1 "$local_f" | grep -q '^#!'; then
			{ head -n 1 "$local_f"; printf '# %s\n' "$TAG"; tail -n +2 "$local_f"; } >"$tmp"
		else
			{ printf '# %s\n' "$TAG"; cat "$local_f"; } >"$tmp"
		fi
		;;
	esac
	# keep the mode (scripts stay executable)
	chmod --reference="$local_f" "$tmp"
	mv "$tmp" "$local_f"
	echo "spdx: added to $local_f"
}

case ${1:-} in
add)
	shift
	[ $# -gt 0 ] || { echo "usage: spdx.sh add FILE..." >&2; exit 2; }
	for f in "$@"; do add "$f"; done
	;;
--check)
	shift
	[ $# -gt 0 ] || set -- $(list)
	missing=0
	for f in "$@"; do
		[ -f "$f" ] || continue
		if ! has_tag "$f"; then
			echo "$f"
			missing=$((missing + 1))
		elif ! head -n 3 "$f" | grep -q "SPDX-License-Identifier: $ID"; then
			echo "$f (a licence other than $ID)"
			missing=$((missing + 1))
		fi
	done
	[ "$missing" -eq 0 ] || { echo "spdx: $missing file(s) without '$TAG' (scripts/spdx.sh add FILE...)" >&2; exit 1; }
	;;
--list) list ;;
*)
	echo "usage: spdx.sh add FILE... | --check [FILE...] | --list" >&2
	exit 2
	;;
esac
