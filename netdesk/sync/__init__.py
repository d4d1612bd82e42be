"""Two-way sync with the CardDAV servers the user adds (beside the store; no Qt).

http (one server, nowhere else), dav (discovery, sync-collection, multiget, writes with
preconditions), cards (records compared and merged field by field, cards written back
changing only what changed), engine (a sync of one account), accounts (passwords in the
system keyring).
"""
