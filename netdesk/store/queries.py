"""Old names of the store's readers and writers, while the last callers move to
`netdesk.store.reader` and `netdesk.store.writer`."""

from netdesk.store.reader import *  # noqa: F403
from netdesk.store.sql import OPEN_STATES as OPEN_STATES
from netdesk.store.sql import chunks as chunks
from netdesk.store.sql import iso as iso
from netdesk.store.sql import parse_datetime as parse_datetime
from netdesk.store.writer import *  # noqa: F403
from netdesk.store.writer.derived import paused_search_index as paused_search_index
from netdesk.store.writer.derived import recompute_follow_ups as recompute_follow_ups
from netdesk.store.writer.derived import refresh_next_due as refresh_next_due
from netdesk.store.writer.derived import refresh_touch_summary as refresh_touch_summary
