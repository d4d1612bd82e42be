"""The local store: Peewee models, migrations, backups and the queries the app runs. No Qt."""
