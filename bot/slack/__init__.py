"""The Slack front: Block Kit replies, listeners, App Home, and how the app is served.

This package is the only place in dealcoach that imports ``slack_bolt`` or ``slack_sdk``.
Importing the package itself imports neither, so keep this file free of Slack imports.
"""
