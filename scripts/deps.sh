#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages a make target needs, or says how to.
# usage: deps.sh build|test|package|screenshots|fuzz ...
set -eu

pkgs_build="gcc make pkg-config libmnl-dev libncurses-dev libzstd-dev"
pkgs_test="libcmocka-dev iproute2 nftables jq tmux procps util-linux strace"
# the man page's checks (lexgrog, man --warnings) and the zsh completion's syntax check
pkgs_doc="man-db groff-base zsh"
# `make deb`: dpkg-buildpackage with debhelper (compat 13)
pkgs_package="debhelper dpkg-dev fakeroot build-essential"
pkgs_fuzz="clang libclang-rt-14-dev"
# t_prom: promtool (in `prometheus`, ~96 MB installed: Debian ships it nowhere smaller)
# and the node_exporter whose textfile collector serves tcptop's metrics (curl scrapes it)
pkgs_prom="prometheus prometheus-node-exporter curl"
pkgs_screenshots="tmux aha chromium"

want=""
for set in "$@"; do
	case "$set" in
	build) want="$want $pkgs_build" ;;
	test) want="$want $pkgs_build $pkgs_test $pkgs_fuzz $pkgs_doc $pkgs_package $pkgs_prom" ;;
	package) want="$want $pkgs_build $pkgs_package" ;;
	fuzz) want="$want $pkgs_build $pkgs_fuzz" ;;
	screenshots) want="$want $pkgs_build $pkgs_screenshots" ;;
	*) echo "deps.sh: unknown package set '$set'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in ii*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "tcptop needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes apt-get fail to find packages: refresh once.
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
