# SPDX-License-Identifier: GPL-2.0-or-later
# t_package: make deb builds a hardened Debian package; installed in a clean root it runs, with its man page and completions.
. "$(dirname "$0")/../lib.sh"

VERSION=$(cat "$TOP/VERSION")
DEB=$TOP/$BUILD/deb/tcptop_${VERSION}_$(dpkg --print-architecture 2>/dev/null)
DEB=$DEB.deb
ROOT=$T_TMP/root

if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	skip "Debian package" "dpkg-dev/debhelper missing (scripts/deps.sh package installs them)"
	done_testing
	exit
fi

t_build() {
	local start=$SECONDS
	if make -s -C "$TOP" BUILD="$BUILD" deb >"$T_TMP/deb.log" 2>&1 && [ -f "$DEB" ]; then
		ok "make deb builds $(basename "$DEB") ($((SECONDS - start)) s)"
	else
		not_ok "make deb builds the package" "$(tail -5 "$T_TMP/deb.log")"
		return 1
	fi
	eq "the package is named tcptop" "$(dpkg-deb -f "$DEB" Package)" tcptop
	eq "its version is VERSION's" "$(dpkg-deb -f "$DEB" Version)" "$VERSION"
	eq "debian/changelog's version is VERSION's" \
		"$(cd "$TOP" && dpkg-parsechangelog -S Version 2>/dev/null)" "$VERSION"
	check "it depends on the libraries it links (libmnl0, libncursesw6)" \
		sh -c 'dpkg-deb -f "$1" Depends | grep -q libmnl0 && dpkg-deb -f "$1" Depends | grep -q libncursesw6' _ "$DEB"
}

t_contents() {
	local f missing="" list=$T_TMP/contents
	dpkg-deb -c "$DEB" >"$list"
	for f in usr/bin/tcptop usr/share/man/man8/tcptop.8.gz \
		usr/share/bash-completion/completions/tcptop usr/share/zsh/vendor-completions/_tcptop \
		usr/share/doc/tcptop/copyright usr/share/doc/tcptop/README.md.gz \
		usr/share/doc/tcptop/DIAGNOSIS.md.gz; do
		grep -q " \./$f$" "$list" || missing="$missing $f"
	done
	check "it holds the binary, man page, completions and docs${missing:+ (missing:$missing)}" \
		test -z "$missing"
}

# Debian's hardening=+all, read back from the binary itself.
t_hardening() {
	local bin=$ROOT/usr/bin/tcptop
	check "the binary is position-independent (PIE)" \
		grep -q 'DYN (Position-Independent Executable' <(readelf -h "$bin")
	check "full RELRO: relocations read-only, bound at start (BIND_NOW)" \
		sh -c 'readelf -lW "$1" | grep -q GNU_RELRO && readelf -d "$1" | grep -q BIND_NOW' _ "$bin"
	check "stack protector" grep -q __stack_chk_fail <(readelf -sW --dyn-syms "$bin")
	check "_FORTIFY_SOURCE (checked libc calls)" grep -qE '__[a-z]+_chk' <(readelf -sW --dyn-syms "$bin")
	check "no executable stack" sh -c '! readelf -lW "$1" | grep GNU_STACK | grep -q RWE' _ "$bin"
}

t_installed() {
	local bin=$ROOT/usr/bin/tcptop out
	out=$("$bin" --version 2>&1)
	eq "the installed tcptop --version names its version" "$(head -n 1 <<<"$out")" "tcptop $VERSION"
	if grep -q '^kernel ' <<<"$out"; then
		check "--version lists the kernel features found" grep -q 'one-walk dump' <<<"$out"
		check "--version lists the libraries" grep -q 'libzstd' <<<"$out"
	else
		skip "--version lists kernel features and libraries" \
			"ui/main.c does not call version_write yet (integration)"
	fi
	if "$bin" -b >"$T_TMP/snap.txt" 2>"$T_TMP/snap.err"; then
		ok "the installed tcptop -b prints a snapshot of this host"
	else
		not_ok "the installed tcptop -b prints a snapshot of this host" "$(cat "$T_TMP/snap.err")"
	fi
	check "the snapshot is this host's, from this version" grep -q "^tcptop $VERSION  host " "$T_TMP/snap.txt"
	check "the snapshot has the connection table's header" grep -q '^Local Addr:Port  *Peer Addr:Port' "$T_TMP/snap.txt"
	"$bin" -b -o json --replay "$TOP/tests/fixtures/states.rec" >"$T_TMP/snap.json" 2>&1
	check "the installed tcptop -b -o json replays a recording as valid JSON" \
		sh -c 'jq -e .sockets "$1" >/dev/null' _ "$T_TMP/snap.json"
	check "man finds the installed page" \
		test "$(MANPATH=$ROOT/usr/share/man man -w tcptop 2>/dev/null)" = "$ROOT/usr/share/man/man8/tcptop.8.gz"
	check "the installed bash completion registers itself" \
		test "$(bash --norc -c 'source "$1" && complete -p tcptop' _ "$ROOT/usr/share/bash-completion/completions/tcptop")" \
		= "complete -F _tcptop tcptop"
}

# Debian has no package called tcptop: bcc's tool of that name ships as tcptop-bpfcc.
t_name() {
	if ! apt-cache show bpfcc-tools >/dev/null 2>&1; then
		skip "the name tcptop is free in Debian" "no apt package lists here (apt-get update)"
		return
	fi
	check "no Debian package is called tcptop" sh -c '! apt-cache show tcptop >/dev/null 2>&1'
	check "bcc's tool is packaged as tcptop-bpfcc, not tcptop" \
		sh -c 'apt-cache show bpfcc-tools | grep -q "^Package: bpfcc-tools"'
}

if t_build; then
	t_contents
	dpkg -x "$DEB" "$ROOT"
	t_hardening
	t_installed
fi
t_name
done_testing
