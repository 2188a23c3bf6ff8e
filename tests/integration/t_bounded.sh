# SPDX-License-Identifier: GPL-2.0-or-later
# t_bounded: a bounded batch run (-n N) frees what the next refresh would compare with before writing its last frame; that frame is byte for byte the N-th of an unbounded run.
. "$(dirname "$0")/../lib.sh"

FIX=$TOP/tests/fixtures

t_bounded() {
	local r name n fmt a=$T_TMP/unbounded b=$T_TMP/bounded
	for r in "$FIX"/*.rec; do
		name=${r##*/}
		n=$("$TCPTOP" --no-config --replay "$r" -b -n 0 -o json | wc -l)
		for fmt in text json; do
			"$TCPTOP" --no-config --replay "$r" -b -n 0 -o "$fmt" >"$a"
			"$TCPTOP" --no-config --replay "$r" -b -n "$n" -o "$fmt" >"$b"
			# -n 0 ends every frame with its separator; -n N not the last
			eq "$name $fmt: -n $n prints what -n 0 prints of its $n frames" \
				"$(head -c "$(stat -c %s "$b")" "$a" | md5sum)" "$(md5sum <"$b")"
			gt "$name $fmt: there is output" "$(stat -c %s "$b")" 0
		done
	done
}

t_bounded
done_testing
