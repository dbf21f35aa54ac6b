#!/bin/sh
# Installs Parley under a prefix: the binary, its Stdlib and the editor annotations.
#
#   swift build -c release && ./install.sh [--prefix DIR]
#
#   <prefix>/bin/parley
#   <prefix>/share/parley/Stdlib/          found by the binary beside it (it also carries a copy)
#   <prefix>/share/parley/types/           ---@meta annotations for lua-language-server
#   <prefix>/share/parley/parley.service   a systemd unit example for `parley serve`
#
# The prefix defaults to /usr/local; DESTDIR, when set, is put in front of it (for packaging).
set -eu

usage() {
    echo "usage: ./install.sh [--prefix DIR]   (default /usr/local; DESTDIR is honoured); build first: swift build -c release"
}

prefix=/usr/local
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
case $prefix in
    /*) ;;
    *) echo "install.sh: --prefix must be an absolute path, got '$prefix'" >&2; exit 2 ;;
esac
# The unit's ExecStart and the sed below take the prefix as it is written.
case $prefix in
    *[!A-Za-z0-9/._+-]*) echo "install.sh: --prefix may hold letters, digits and / . _ + - only, got '$prefix'" >&2; exit 2 ;;
esac
case $prefix in
    /home/*|/root/*) echo "note: the systemd unit protects /home and /root (ProtectHome=yes): with this prefix, edit it or install elsewhere to run serve under systemd" >&2 ;;
esac

cd "$(dirname "$0")"
binary=.build/release/parley
if [ ! -x "$binary" ]; then
    echo "install.sh: $binary is missing; build it first: swift build -c release" >&2
    exit 1
fi
root="${DESTDIR:-}$prefix"
share="$root/share/parley"
# Readable by the service's own user whatever the umask (sudo may keep a strict one).
install -d -m 755 "$root/bin" "$root/share" "$share"

# Everything is copied beside its target first, then renamed into place: a failed copy
# leaves the previous install as it was, and a running parley never reads half a file.
stage=$(mktemp -d "$share/.install.XXXXXX")
trap 'rm -rf "$stage" "$root/bin/.parley.new"' EXIT
cp -R Stdlib "$stage/Stdlib"
cp -R Annotations "$stage/types"
# The unit names the binary where this install puts it.
sed "s|/usr/local/bin/parley|$prefix/bin/parley|g" contrib/parley.service > "$stage/parley.service"
cp "$binary" "$root/bin/.parley.new"
chmod 755 "$root/bin/.parley.new"
chmod -R u=rwX,go=rX "$stage"

for item in Stdlib types; do
    if [ -e "$share/$item" ]; then mv "$share/$item" "$stage/$item.old"; fi
    mv "$stage/$item" "$share/$item"
done
mv "$stage/parley.service" "$share/parley.service"
mv -f "$root/bin/.parley.new" "$root/bin/parley"

echo "installed parley $("$root/bin/parley" --version) into $root:"
echo "  $root/bin/parley"
echo "  $share/Stdlib, $share/types, $share/parley.service"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) [ -n "${DESTDIR:-}" ] || echo "note: $prefix/bin is not on your PATH" ;;
esac
echo "next: parley init my-bots && parley test my-bots"
