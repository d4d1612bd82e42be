"""The domain in plain Python: rules, contact files, matching, templates. No Qt, no database."""
