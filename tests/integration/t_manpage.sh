# SPDX-License-Identifier: GPL-2.0-or-later
# t_manpage: tcptop(8) renders without a groff warning, man finds it after make install, and it documents everything the program has.
. "$(dirname "$0")/../lib.sh"

PAGE=${PAGE:-$TOP/doc/tcptop.8}
GEN=${GEN:-$TOP/$BUILD/completion/tcptop-gen}

if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	skip "man page checks" "man-db/groff missing (scripts/deps.sh test installs them)"
	done_testing
	exit
fi

# warnings PAGE: what man (its default warnings) and groff (all of them, -ww) say about
# the page, in the C and a UTF-8 locale; empty when clean.
warnings() {
	{
		LC_ALL=C MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null
		LC_ALL=C groff -man -ww -z -Tascii "$1" 2>&1
		LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$1" 2>&1
	} | sort -u
}

t_warnings() {
	local w bad=$T_TMP/bad.8
	w=$(warnings "$PAGE")
	if [ -z "$w" ]; then ok "man --warnings and groff -ww: no warning"; else
		not_ok "man --warnings and groff -ww: no warning" "$(head -5 <<<"$w")"; fi
	# the check itself: a page with an undefined macro and a bad escape must be caught
	{ cat "$PAGE"; printf '.XY undefined\n\\*[nosuchstring]\n'; } >"$bad"
	check "an undefined macro in a copy of the page is reported" test -n "$(warnings "$bad")"
	check "lexgrog reads the NAME line" sh -c 'lexgrog "$1" >/dev/null' _ "$PAGE"
	check "it is in section 8" grep -q '^\.TH TCPTOP 8 ' "$PAGE"
	check "the page's version is the program's ($(cat "$TOP/VERSION"))" \
		grep -q "^\.TH .*\"tcptop $(cat "$TOP/VERSION")\"" "$PAGE"
}

t_install() {
	local root=$T_TMP/root
	if ! make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$root" PREFIX=/usr >"$T_TMP/install.log" 2>&1; then
		not_ok "make install DESTDIR=... PREFIX=/usr" "$(tail -3 "$T_TMP/install.log")"
		return
	fi
	ok "make install DESTDIR=... PREFIX=/usr"
	check "man -w tcptop finds the installed page in man8" \
		test "$(MANPATH="$root/usr/share/man" man -w tcptop 2>/dev/null)" = "$root/usr/share/man/man8/tcptop.8"
	check "man 8 tcptop shows it" grep -q 'tcptop - live view' \
		<(MANPATH="$root/usr/share/man" LC_ALL=C MANWIDTH=100 man 8 tcptop 2>/dev/null)
	check "the bash completion is installed" test -s "$root/usr/share/bash-completion/completions/tcptop"
	check "the zsh completion is installed" test -s "$root/usr/share/zsh/site-functions/_tcptop"
}

# The page as text: wide lines, no hyphenation, so a name is never split.
TEXT=$T_TMP/page.txt
LC_ALL=C groff -man -Tascii -rLL=250n -rHY=0 -P-c "$PAGE" 2>/dev/null | col -b >"$TEXT"

# section NAME: the text of one section of the page.
section() { awk -v s="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == s); next } on' "$TEXT"; }

# documented KIND SECTION NAME...: one test; the missing names are listed.
documented() {
	local kind=$1 sec=$2 n missing=""
	shift 2
	local body
	body=$(section "$sec")
	for n in "$@"; do
		grep -qwF -- "$n" <<<"$body" || missing="$missing $n"
	done
	if [ -z "$missing" ]; then
		ok "every $kind ($#) is documented in $sec"
	else
		not_ok "every $kind ($#) is documented in $sec" "missing from $sec:$missing"
	fi
}

t_drift() {
	local names json f
	names=$("$GEN" names) || { not_ok "tcptop-gen names runs"; return; }
	# options as --help prints them: the program's own list
	documented "option of --help" OPTIONS $("$TCPTOP" --help | sed -n '/^options:/,/^$/p' |
		grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' | tr -d ',')
	# and the other way round: an option the program dropped must leave the page too
	local want got
	want=$("$TCPTOP" --help | sed -n '/^options:/,/^$/p' | grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' |
		tr -d ',' | tr ' ' '\n' | sed '/^$/d' | sort)
	got=$(section OPTIONS | grep -oE '^       (-[A-Za-z], )?--[a-z-]+' | tr -d ',' | tr ' ' '\n' |
		sed '/^$/d' | sort)
	if [ "$want" = "$got" ]; then
		ok "the page documents no option the program lacks"
	else
		not_ok "the page documents no option the program lacks" \
			"only in the page: $(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')"
	fi
	documented "column" COLUMNS $(sed -n 's/^column //p' <<<"$names")
	documented "finding code" DIAGNOSIS $(sed -n 's/^code //p' <<<"$names")
	documented "key of the key table" KEYS $(sed -n 's/^key //p' <<<"$names")
	documented "output format" OPTIONS $(sed -n 's/^format //p' <<<"$names")
	documented "group key" OPTIONS $(sed -n 's/^group //p' <<<"$names")
	# JSON fields as the program writes them, from the recorded fixtures
	json=$T_TMP/all.json
	for f in "$TOP"/tests/fixtures/*.rec; do
		"$TCPTOP" -b -o json -n 2 --replay "$f" 2>/dev/null
	done >"$json"
	documented "JSON field" "JSON OUTPUT" $(jq -r '(keys_unsorted[]),
		(.connections[]? | keys_unsorted[]),
		(.connections[]? | (.skmem, .timer, .shutdown, .process) | objects | keys_unsorted[]),
		(.listeners[]? | keys_unsorted[]), (.listeners[]?.process | objects | keys_unsorted[]),
		(.findings[]? | keys_unsorted[]), (.counters[]? | keys_unsorted[])' "$json" | sort -u)
	documented "file the package installs" FILES tcptoprc bash-completion zsh
}

t_warnings
t_install
t_drift
done_testing
