#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# screenshots.sh: runs a real scenario in a namespace and captures every view as text and PNG.
# Text: tmux capture-pane. PNG: capture-pane -e -> aha (HTML) -> headless chromium. Needs root.
set -eu
cd "$(dirname "$0")/.."
. tests/lib.sh
need_root "screenshots" || exit 1
OUT=screenshots
mkdir -p "$OUT"
COLS=132
ROWS=36
TM="tmux -L tcptop-shots-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null || true; t_cleanup' EXIT

# The situation: a shaped bulk transfer, a listener overflowing, a SYN queue
# filling (SYN-ACKs dropped), a CLOSE-WAIT leak, a TIME-WAIT burst and a
# receiver that stopped reading.
ns_new
ns=$NS
# tbf drops packets larger than its bucket: keep the MTU well below the burst
ip netns exec "$ns" ip link set lo mtu 1500
ip netns exec "$ns" tc qdisc add dev lo root tbf rate 200mbit burst 256kb latency 20ms
ip netns exec "$ns" nft -f - <<'NFT'
table inet shots {
	chain out {
		type filter hook output priority 0;
		tcp sport 6006 tcp flags & (syn | ack) == (syn | ack) drop
	}
}
NFT
scen "$ns" -p 6001 bulk
scen "$ns" -6 -p 6002 --write-rate 2000000 bulk
scen "$ns" -p 6003 -b 4 listen 12
scen "$ns" -p 6004 closewait 6
scen "$ns" -p 6005 timewait 25
scen "$ns" -p 6006 synrecv 5
scen "$ns" -p 6007 idle 3
# a receiver that stopped reading behind a small buffer: the sender sees a zero window
scen "$ns" -p 6008 --rcvbuf 16384 --read-rate 0 bulk
# connections that end while tcptop watches (the Closed view): a normal close, a
# reset, refused connects, then a stream of short ones; each starts on SIGUSR1
scen "$ns" --unanswered-port 9 --stall-port 7777 ends
ends_out=$SCEN_OUT
scen "$ns" -p 6010 shortconns 10
short_out=$SCEN_OUT

$TM new-session -d -s shots -x "$COLS" -y "$ROWS" \
	"env LANG=C.UTF-8 TERM=xterm-256color ip netns exec $ns $TCPTOP -d 1 --no-config"
wait_for 10 sh -c "$TM capture-pane -p -t shots | grep -q 'Local Addr'"
scen_start "$short_out"
sleep 3 # a few refreshes: rates, deltas and history
wait_for 30 grep -q '^done' "$short_out" || true
scen_start "$ends_out" # after the short ones: the Closed view's first rows

html() { # html NAME: the ANSI capture as an HTML page with a dark terminal look
	{
		printf '<html><head><meta charset="utf-8"><style>'
		printf 'body{background:#1d1f21;margin:8px}pre{font-family:"DejaVu Sans Mono",monospace;'
		printf 'font-size:14px;line-height:17px;color:#c5c8c6;margin:0}</style></head><body>'
		printf '<pre>'
		aha --no-header <"$OUT/$1.ansi"
		printf '</pre></body></html>'
	} >"$T_TMP/$1.html"
	rm -f "$OUT/$1.ansi"
}

png() { # png NAME
	local w=$((COLS * 85 / 10 + 16)) h=$((ROWS * 17 + 16))
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T_TMP/chromium" --hide-scrollbars \
		--window-size="$w,$h" --screenshot="$PWD/$OUT/$1.png" "file://$T_TMP/$1.html" \
		>/dev/null 2>&1
}

shot() { # shot NAME KEYS...: keys, a refresh, then text + PNG
	local name=$1
	shift
	[ $# -gt 0 ] && $TM send-keys -t shots "$@"
	sleep 1.5
	$TM capture-pane -p -t shots >"$OUT/$name.txt"
	$TM capture-pane -e -p -t shots >"$OUT/$name.ansi"
	html "$name"
	if command -v chromium >/dev/null; then png "$name"; fi
	echo "screenshots/$name.txt and .png"
}

shot connections
shot listen 2
shot states 3
shot counters 4
shot findings 5
# the busiest connection is the top row (sorted by rate)
shot detail 1 Enter
shot help Escape h
shot closed Escape 6
# grouped by process (g), then grouping off again (g after state)
shot groups 1 g
$TM send-keys -t shots g g g g
$TM send-keys -t shots q || true
