"""QtCore-level glue with no widgets: the signal hub, scheduler, notifier chain, single instance, settings."""
