# SPDX-License-Identifier: GPL-2.0-or-later
# t_completion: the generated bash and zsh completions offer exactly what tcptop --help lists, and bash really completes.
. "$(dirname "$0")/../lib.sh"

BASH_COMP=${BASH_COMP:-$TOP/$BUILD/completion/tcptop.bash}
ZSH_COMP=${ZSH_COMP:-$TOP/$BUILD/completion/_tcptop}
FIXTURE=$TOP/tests/fixtures/states.rec

# comp WORD...: what bash offers for the last word of `tcptop WORD...`, one per line, sorted.
comp() {
	bash --norc -c 'source "$1" || exit 1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tcptop; printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMP" tcptop "$@" | sed '/^$/d' | sort
}

# Options as --help prints them: "-b" and "--batch" from "  -b, --batch ...".
help_options() {
	"$TCPTOP" --help | sed -n '/^options:/,/^$/p' |
		grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' | tr -d ',' | tr ' ' '\n' | sed '/^$/d' | sort
}

# Column names from --help's "columns (-s, -c):" list.
help_columns() { "$TCPTOP" --help | sed -n '/^columns (-s, -c):/,$p' | awk 'NR > 1 { print $1 }' | sort; }

same() {
	local name=$1 want=$2 got=$3
	if [ "$want" = "$got" ]; then
		ok "$name"
	else
		not_ok "$name" "missing: $(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')" \
			"extra: $(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')"
	fi
}

t_registered() {
	local out
	out=$(bash --norc -c 'source "$1" && complete -p tcptop' _ "$BASH_COMP" 2>&1)
	check "bash: sourcing registers the completion ($out)" test "$out" = "complete -F _tcptop tcptop"
}

t_options_match_help() {
	local want
	want=$(help_options)
	check "--help lists options" test "$(wc -l <<<"$want")" -gt 20
	same "bash: '-' offers every option of --help, nothing else" "$want" "$(comp -)"
	same "bash: '--' offers every long option of --help" "$(grep -- '^--' <<<"$want")" "$(comp --)"
	same "bash: '--no-' narrows to the --no- options" "$(grep -- '^--no-' <<<"$want")" "$(comp --no-)"
	check "bash: after a filter word no option is offered (tcptop stops reading them there)" \
		test -z "$(comp dport 22 and -)"
	check "bash: after an option's value options are still offered" \
		grep -qx -- --batch <(comp -s rtt --b)
}

t_values() {
	local cols got w bad=""
	cols=$(help_columns)
	same "bash: -s offers the columns of --help" "$cols" "$(comp -s '')"
	same "bash: --sort=r offers the r columns" "$(grep '^r' <<<"$cols")" "$(comp --sort = r)"
	same "bash: -c completes the last item of a list" \
		"$(grep '^rtt' <<<"$cols" | sed 's/^/local,/')" "$(comp -c local,rtt)"
	same "bash: -c completes a +COL edit" "+min_rtt" "$(comp -c +min)"
	same "bash: -o offers the formats" "$(printf 'json\nprom\ntext\n')" "$(comp -o '')"
	for w in $(comp -o '') $(comp --group-by '' | sed 's/^/group:/') $(comp -s ''); do
		case $w in
		group:*) "$TCPTOP" --group-by "${w#group:}" --help >/dev/null 2>&1 || bad="$bad $w" ;;
		text | json | prom) "$TCPTOP" -b -o "$w" --replay "$FIXTURE" >/dev/null 2>&1 || bad="$bad -o:$w" ;;
		*) "$TCPTOP" -s "$w" --help >/dev/null 2>&1 || bad="$bad -s:$w" ;;
		esac
	done
	check "every offered format, group key and sort column is accepted by tcptop${bad:+ (not:$bad)}" \
		test -z "$bad"
	got=$(comp --group-by = p)
	same "bash: --group-by=p offers the p keys" "$(printf 'port\nprocess\n')" "$got"
	check "bash: -n takes a number: nothing offered" test -z "$(comp -n '')"
}

t_filter_words() {
	local w bad="" err
	for w in $(comp ''); do
		case $w in
		and | or) err=$("$TCPTOP" -b --replay "$FIXTURE" port 1 "$w" port 2 2>&1 >/dev/null) ;;
		not) err=$("$TCPTOP" -b --replay "$FIXTURE" not port 1 2>&1 >/dev/null) ;;
		*) err=$("$TCPTOP" -b --replay "$FIXTURE" "$w" 2>&1 >/dev/null)
		   # a primitive alone wants its value: anything but "not a primitive" means known
		   case $err in *"expected a primitive"*) ;; *) err= ;; esac ;;
		esac
		[ -n "$err" ] && bad="$bad $w"
	done
	check "every offered filter word is known to the filter parser${bad:+ (not:$bad)}" test -z "$bad"
	bad=""
	for w in $(comp dport 1 and state ''); do
		"$TCPTOP" -b --replay "$FIXTURE" state "$w" >/dev/null 2>&1 || bad="$bad $w"
	done
	check "every state offered after 'state' parses${bad:+ (not:$bad)}" test -z "$bad"
	check "after 'state' the states are offered" grep -qx close-wait <(comp state '')
	check "'--group-by state' is no filter: a filter word comes next" \
		grep -qx dport <(comp --group-by state '')
}

t_paths() {
	: >"$T_TMP/snapfile"
	check "bash: -w completes file names" grep -qx "$T_TMP/snapfile" <(comp -w "$T_TMP/snap")
	check "bash: --replay completes file names" grep -qx "$T_TMP/snapfile" <(comp --replay "$T_TMP/sn")
	if need_root "bash: -N offers the namespaces under /run/netns"; then
		ns_new || { not_ok "a namespace for -N"; return; }
		check "bash: -N offers a namespace created just now ($NS)" \
			grep -qx "$NS" <(comp -N "${NS:0:8}")
	fi
}

# zcomp WORDS...: what zsh offers for the last word, from the generated _tcptop, sorted.
zcomp() {
	local line="tcptop $*"
	timeout 20 zsh -f "$TOP/tests/integration/zcomp.zsh" "$(dirname "$ZSH_COMP")" "$line"
}

t_zsh() {
	local o missing="" cols
	if ! command -v zsh >/dev/null; then
		skip "zsh completion" "zsh is not installed (scripts/deps.sh test installs it)"
		return
	fi
	check "zsh: the completion file parses (zsh -n)" zsh -n "$ZSH_COMP"
	check "zsh: it is a #compdef file for tcptop" grep -qx '#compdef tcptop' <(head -n 1 "$ZSH_COMP")
	# zsh itself, in a pseudo-terminal, pressing Tab
	same "zsh: '-' offers every option of --help, nothing else" "$(help_options)" "$(zcomp -)"
	check "zsh: -f may be given again (the parts join)" grep -qx -- -f <(zcomp -f x -)
	check "zsh: -s is not offered twice (the last one would win)" \
		sh -c '! grep -qx -- -s "$1"' _ <(zcomp -s rtt -)
	cols=$(help_columns)
	same "zsh: --sort r offers the r columns" "$(grep '^r' <<<"$cols")" "$(zcomp --sort r)"
	same "zsh: -c local,r completes the last item of the list" "$(grep '^r' <<<"$cols")" \
		"$(zcomp -c local,r)"
	same "zsh: -o offers the formats" "$(comp -o '')" "$(zcomp -o '')"
	same "zsh: --group-by offers the group keys" "$(comp --group-by '')" "$(zcomp --group-by '')"
	same "zsh: a filter word is offered where a filter starts" "$(comp d)" "$(zcomp d)"
	same "zsh: after 'state' the states are offered" "$(comp dport 1 state c)" \
		"$(zcomp dport 1 state c)"
	if need_root "zsh: -N offers the namespaces under /run/netns"; then
		ns_new || { not_ok "a namespace for -N"; return; }
		check "zsh: -N offers a namespace created just now ($NS)" grep -qx "$NS" <(zcomp -N '')
	fi
}

t_registered
t_options_match_help
t_values
t_filter_words
t_paths
t_zsh
done_testing
