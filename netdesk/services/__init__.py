"""QtCore glue with no widgets: signal hub, scheduler, notifiers, single instance, settings."""
