#!/bin/sh
# Install NetDesk for the current user only, without root, from the unpacked tarball:
#   ./install.sh [--set-default]
# The app goes to ~/.local/opt/netdesk, the command to ~/.local/bin/netdesk, and the menu
# entry, icons and metainfo under ~/.local/share. --set-default also makes NetDesk the
# application that opens vCard (.vcf) files. ~/.local/opt/netdesk/uninstall.sh undoes it all.
set -eu

usage() {
    sed -n '2,6s/^# \{0,1\}//p' "$0"
}

set_default=no
for arg in "$@"; do
    case $arg in
        --set-default) set_default=yes ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$HOME/.local/opt/netdesk
bin=$HOME/.local/bin

if [ ! -x "$here/netdesk/netdesk" ]; then
    echo "install.sh: run me from the unpacked NetDesk folder (netdesk/netdesk is missing)" >&2
    exit 1
fi
case $HOME in
    *[\"\\\`\$]*) echo "install.sh: cannot write a menu entry for a home folder whose path has \" \\ \` or \$" >&2; exit 1 ;;
esac
# The frozen app is linked against a GNU libc at least this new (the build writes the file).
if [ -f "$here/requires-glibc" ]; then
    need=$(cat "$here/requires-glibc")
    have=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed -n 's/^glibc //p')
    if [ -z "$have" ]; then
        echo "install.sh: NetDesk needs GNU libc $need or newer, and this system has none" >&2
        exit 1
    fi
    oldest=$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n 1)
    if [ "$oldest" != "$need" ]; then
        echo "install.sh: NetDesk needs GNU libc $need or newer; this system has $have" >&2
        echo "  (Debian 12, Ubuntu 23.04, Fedora 37 and newer have it)" >&2
        exit 1
    fi
fi

echo "Installing NetDesk into $prefix"
mkdir -p "$HOME/.local/opt" "$bin" "$data/applications" "$data/icons/hicolor" "$data/metainfo"
rm -rf "$prefix"
cp -R "$here/netdesk" "$prefix"
cp "$here/uninstall.sh" "$prefix/uninstall.sh"
chmod 755 "$prefix/uninstall.sh"
ln -sfn "$prefix/netdesk" "$bin/netdesk"

# The menu entry names the command by its full path: ~/.local/bin is not on every
# session's PATH. Quoted only when the path needs it (a space, say): some launchers keep the
# quotes of a quoted path as part of the command's name.
target=$(printf '%s' "$bin/netdesk" | sed 's/[&|]/\\&/g')
case $bin/netdesk in
    *[[:space:]\'\>\<~\|\&\;\*\?\#\(\)=%]*) exec_path="\"$target\"" ;;
    *) exec_path=$target ;;
esac
sed -e "s|^Exec=netdesk |Exec=$exec_path |" -e "s|^TryExec=netdesk\$|TryExec=$target|" \
    "$here/share/applications/netdesk.desktop" > "$data/applications/netdesk.desktop"
cp -R "$here/share/icons/hicolor/." "$data/icons/hicolor/"
cp "$here/share/metainfo/org.netdesk.NetDesk.metainfo.xml" "$data/metainfo/"

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
# Icon themes notice a changed folder time; a user-level icon cache is rarely present.
touch "$data/icons/hicolor"
if [ -f "$data/icons/hicolor/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
fi

if [ "$set_default" = yes ]; then
    if command -v xdg-mime >/dev/null 2>&1; then
        xdg-mime default netdesk.desktop text/vcard text/x-vcard
        echo "NetDesk now opens vCard (.vcf) files."
    else
        echo "install.sh: xdg-mime not found (package xdg-utils): .vcf files keep their current application" >&2
    fi
fi

case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "Note: $bin is not on your PATH; the menu entry works, but to type 'netdesk' add it to PATH." ;;
esac
echo "Done. Start NetDesk from the applications menu or with: $bin/netdesk"
echo "To remove it: $prefix/uninstall.sh"
