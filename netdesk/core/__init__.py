"""The domain in plain Python: playbook rules, contact files, matching, templates. No Qt, no database."""
