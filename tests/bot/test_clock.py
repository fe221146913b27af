"""The terminal's time zone: TZ, else the /etc/localtime link, else unknown."""

from __future__ import annotations

from pathlib import Path

from bot.clock import local_zone


def test_tz_wins_when_it_names_a_zone(tmp_path: Path) -> None:
    assert local_zone({"TZ": "Asia/Kolkata"}, tmp_path / "none") == "Asia/Kolkata"
    assert local_zone({"TZ": ":Europe/London"}, tmp_path / "none") == "Europe/London"


def test_the_localtime_link_names_the_zone(tmp_path: Path) -> None:
    zoneinfo = tmp_path / "usr" / "share" / "zoneinfo" / "Pacific"
    zoneinfo.mkdir(parents=True)
    (zoneinfo / "Auckland").write_bytes(b"TZif")
    link = tmp_path / "localtime"
    link.symlink_to(zoneinfo / "Auckland")
    assert local_zone({"TZ": "Not/AZone"}, link) == "Pacific/Auckland"


def test_nothing_known_is_none(tmp_path: Path) -> None:
    plain = tmp_path / "localtime"
    plain.write_bytes(b"TZif")
    assert local_zone({}, plain) is None
