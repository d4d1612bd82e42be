#!/bin/sh
# Remove a per-user NetDesk installed by install.sh. Your network (the database, backups and
# logs) stays where it is; the message at the end says where, to delete it by hand.
set -eu

data=${XDG_DATA_HOME:-$HOME/.local/share}
config=${XDG_CONFIG_HOME:-$HOME/.config}
prefix=$HOME/.local/opt/netdesk
bin=$HOME/.local/bin

echo "Removing NetDesk from $prefix"
if [ -L "$bin/netdesk" ] && [ "$(readlink "$bin/netdesk")" = "$prefix/netdesk" ]; then
    rm -f "$bin/netdesk"
fi
rm -f "$data/applications/netdesk.desktop" "$data/metainfo/org.netdesk.NetDesk.metainfo.xml"
for icon in "$data"/icons/hicolor/*/apps/netdesk.png "$data/icons/hicolor/scalable/apps/netdesk.svg"; do
    rm -f "$icon"
done
# "Start at log-in" (switched on in Preferences) would otherwise run a missing program.
autostart="$config/autostart/netdesk.desktop"
if [ -f "$autostart" ] && grep -q "$prefix/netdesk" "$autostart"; then
    rm -f "$autostart"
fi
# Forget NetDesk as the default for vCard files (set by install.sh --set-default).
if [ -f "$config/mimeapps.list" ]; then
    sed -i -e '/^text\/vcard=netdesk\.desktop;\{0,1\}$/d' -e '/^text\/x-vcard=netdesk\.desktop;\{0,1\}$/d' \
        "$config/mimeapps.list"
fi
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$data/applications" ]; then
    update-desktop-database -q "$data/applications" || true
fi
[ -d "$data/icons/hicolor" ] && touch "$data/icons/hicolor"
rm -rf "$prefix"
echo "Done. Your data is still in ${NETDESK_DATA_DIR:-$data/NetDesk} (delete that folder to remove it too)."
