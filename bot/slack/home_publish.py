"""Publishing the App Home: only when what it shows changed, at most so often a user.

A command used to publish the Home tab after every turn, whatever changed: two more read
sessions, the view built and a ``views.publish`` call, about as much work as the command.
Now:

* **Changed only.** The view's digest is compared with the one last published to the
  user, kept in the store (:mod:`bot.store.home_views`) so that every worker process
  compares with what Slack really shows; an unchanged view is not sent. The deals, the
  team part and the digest are read in one session.
* **Debounced per user.** The first refresh publishes at once; refreshes asked for
  while one is running, or within :data:`HOME_INTERVAL_SECONDS` of the last, are folded
  into one that runs when the interval is over and reads the state as it is then. The
  waiting is done by a timer, never by a listener thread. The debounce is per process: a
  user whose commands reach two workers may get a publish from each.

Opening the Home tab (``app_home_opened``) publishes at once, whatever the digest says.
Nothing here raises: a stale Home tab is no error, the reply went out already.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from slack_sdk import WebClient

from bot.slack.blocks import Labels
from bot.slack.client import call
from bot.slack.home import home_view
from bot.slack.home_team import read_team_home, team_home_blocks
from bot.store.database import Database
from bot.store.home_views import record_digest, shown_digest
from bot.store.people import find_user
from bot.store.space import SqlDealSpace
from phrases import PhraseLibrary

log = logging.getLogger(__name__)

# The shortest time between two Home publishes of one user in one process.
HOME_INTERVAL_SECONDS: Final = 1.0

Key = tuple[str, str]


def view_digest(view: dict[str, Any]) -> str:
    """A digest of a Home view: equal exactly when the views are.

    Args:
        view: the ``views.publish`` view.

    """
    text = json.dumps(view, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class HomePublisher:
    """Builds and publishes users' Home tabs for one process."""

    def __init__(
        self,
        database: Database,
        lib: PhraseLibrary,
        labels: Labels,
        clock: Callable[[], datetime],
        *,
        interval: float = HOME_INTERVAL_SECONDS,
    ):
        self.database = database
        self.lib = lib
        self.labels = labels
        self.clock = clock
        self.interval = interval
        self._lock = threading.Lock()
        self._running: set[Key] = set()
        self._last: dict[Key, float] = {}
        # A refresh asked for and not yet run, with the newest client to run it with.
        self._waiting: dict[Key, WebClient] = {}

    # -- asking ----------------------------------------------------------------------------
    def refresh(self, client: WebClient, workspace_id: str, user_id: str) -> None:
        """Publish the user's Home tab if it changed, now or at the end of the interval.

        Args:
            client: the request's Web API client.
            workspace_id: the Slack team id.
            user_id: whose Home tab.

        """
        key = (workspace_id, user_id)
        with self._lock:
            if key in self._waiting:
                self._waiting[key] = client  # folded into the refresh already waiting
                return
            wait = self._last.get(key, float("-inf")) + self.interval - time.monotonic()
            if key in self._running or wait > 0:
                self._waiting[key] = client
                self._later(key, max(wait, 0.0) if key not in self._running else self.interval)
                return
            self._start(key)
        self._run(client, key, force=False)

    def publish(self, client: WebClient, workspace_id: str, user_id: str) -> bool:
        """Publish the user's Home tab now, changed or not (the user opened it).

        Args:
            client: the request's Web API client.
            workspace_id: the Slack team id.
            user_id: whose Home tab.

        Returns:
            Whether Slack took the view.

        """
        return self._publish(client, (workspace_id, user_id), force=True) is True

    # -- the work --------------------------------------------------------------------------
    def _start(self, key: Key) -> None:
        self._running.add(key)
        self._last[key] = time.monotonic()
        if len(self._last) > 10_000:  # forget users idle for long; keep the busy ones
            horizon = time.monotonic() - 10 * self.interval
            for old in [k for k, at in self._last.items() if at < horizon]:
                del self._last[old]

    def _later(self, key: Key, delay: float) -> None:
        timer = threading.Timer(delay, self._due, args=(key,))
        timer.daemon = True
        timer.start()

    def _due(self, key: Key) -> None:
        with self._lock:
            if key in self._running:  # the publish before it is slow: wait for it
                self._later(key, self.interval)
                return
            client = self._waiting.pop(key, None)
            if client is None:
                return
            self._start(key)
        self._run(client, key, force=False)

    def _run(self, client: WebClient, key: Key, *, force: bool) -> None:
        try:
            self._publish(client, key, force=force)
        finally:
            with self._lock:
                self._running.discard(key)

    def _publish(self, client: WebClient, key: Key, *, force: bool) -> bool | None:
        """Build and send the view; None when it was unchanged and so not sent."""
        workspace_id, user_id = key
        try:
            now = self.clock()
            with self.database.read_session() as session:
                user = find_user(session, workspace_id, user_id)
                if user is None:
                    deals, active = [], None
                else:
                    deals, active = SqlDealSpace(session, user).list_deals(), user.active_deal_id
                people = read_team_home(session, user, self.lib, workspace_id, user_id, now)
                shown = shown_digest(session, workspace_id, user_id)
            view = home_view(
                deals,
                active,
                self.labels,
                self.lib,
                extra=team_home_blocks(people, self.labels, self.lib),
            )
            digest = view_digest(view)
            if digest == shown and not force:
                return None
            if call(client, "views.publish", user_id=user_id, view=view) is None:
                return False
            if digest != shown:
                record_digest(self.database, workspace_id, user_id, digest, now)
            return True
        except Exception as exc:  # the reply went out already; a stale Home tab is no error
            log.error("the Home tab of %s was not refreshed: %s", user_id, type(exc).__name__)
            return False
