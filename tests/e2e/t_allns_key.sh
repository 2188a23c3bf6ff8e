# SPDX-License-Identifier: GPL-2.0-or-later
# t_allns_key: the a key switches the interactive view to every network namespace and back.
. "$(dirname "$0")/../lib.sh"

if ! need_root "every namespace from the TUI"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "every namespace from the TUI" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
TM="tmux -L tcptop-allns-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" -p 5077 idle 2 || { not_ok "idle scenario"; done_testing; exit; }

screen() { $TM capture-pane -p -t al; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t al | grep -qF -- \"\$1\"" _ "$1"; }
lacks() { ! screen | grep -qF -- "$1"; }
expect() { if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi; }

$TM new-session -d -s al -x 160 -y 30 "env LANG=C.UTF-8 $TCPTOP --no-config --no-processes -d 0.5"
expect "starts on the host's namespace" "1 Connections"
if lacks ":5077"; then ok "the other namespace's sockets are not shown at first"; else not_ok "the other namespace's sockets are not shown at first" "$(screen | head -12)"; fi
$TM send-keys -t al a
expect "a: the title says every namespace" "netns all"
expect "a: the Netns column leads" "Netns"
expect "a: the other namespace's connections appear, named by it" "$ns"
expect "a: with their port" ":5077"
$TM send-keys -t al a
expect "a again: back to this namespace" "this network namespace only"
if wait_for 5 lacks ":5077"; then ok "a again: the other namespace's sockets go"; else not_ok "a again: the other namespace's sockets go" "$(screen | head -12)"; fi
$TM send-keys -t al q
done_testing
