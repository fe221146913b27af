"""The shell: CLI, settings, the SQL store, the terminal front (and later Slack)."""
