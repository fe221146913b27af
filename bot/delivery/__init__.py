"""Scheduled and queued messages: daily prep reminders, weekly digests, nudges."""
