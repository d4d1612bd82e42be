"""The local store: Peewee models, migrations, backups, the one writer and its readers. No Qt."""
