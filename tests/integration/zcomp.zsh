# SPDX-License-Identifier: GPL-2.0-or-later
# zcomp.zsh DIR WORDS: what zsh's completion (the _tcptop in DIR) offers for "WORDS<Tab>", one per line.
zmodload zsh/zpty
dir=$1 out=$(mktemp -d)
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -D"
# every match offered is written down; a post-completion hook says when completion is over
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) && print -rl -- $__hits >> '"$out"'/hits; builtin compadd "$@"; }'
zpty -w z '_cap_done () { : > '"$out"'/done }; comppostfuncs=(_cap_done); zstyle ":completion:*" insert-tab false'
zpty -w z 'print ready'
zpty -r z line '*ready*'
: >$out/hits
zpty -w -n z "$2"$'\t'
for i in {1..100}; do [[ -e $out/done ]] && break; sleep 0.1; done
zpty -d z
[[ -e $out/done ]] || { print -u2 "zcomp.zsh: completion did not finish"; exit 1 }
sort -u $out/hits
rm -rf $out
