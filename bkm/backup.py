"""Backup and restore of the whole shop: the database and the media files, in one archive.

`flask --app wsgi bkm backup FILE.tar.gz` writes a gzip'ed tar with
- `manifest.json`: format version, engine, Alembic revision, when (UTC), table row counts;
- `database.sqlite` (SQLite's online backup API: consistent while the shop runs) or
  `database.dump` (`pg_dump --format=custom`, one consistent snapshot);
- `media/`: the product images under MEDIA_DIR.

`flask --app wsgi bkm restore FILE.tar.gz --yes` puts it back into the configured database
(same engine only) and MEDIA_DIR, replacing what is there. Stop the shop's workers first: a
restore is a replacement, not a merge. The manifest's row counts are checked afterwards.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from bkm.extensions import db

FORMAT = 1


class BackupError(Exception):
    """The archive cannot be made or used; the message says why, in Norwegian."""


def _url() -> sa.URL:
    return db.engine.url


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _revision() -> str | None:
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _pg_args(url: sa.URL) -> list[str]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return [*args, "--dbname", url.database]


def _pg_env(url: sa.URL) -> dict[str, str]:
    import os

    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _dump_database(work: Path) -> str:
    url = _url()
    if url.get_backend_name() == "sqlite":
        target = work / "database.sqlite"
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
        return target.name
    target = work / "database.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url)],
        check=True,
        env=_pg_env(url),
        capture_output=True,
    )
    return target.name


def make_backup(archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    media = Path(current_app.config["MEDIA_DIR"])
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        database_file = _dump_database(work)
        manifest = {
            "format": FORMAT,
            "engine": _url().get_backend_name(),
            "revision": _revision(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database_file": database_file,
            "row_counts": _row_counts(),
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / database_file, arcname=database_file)
            if media.is_dir():
                tar.add(media, arcname="media")
        partial.replace(archive)  # never leave a half-written archive under the real name
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("Filen er ikke en sikkerhetskopi fra butikken.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Ukjent format {manifest.get('format')!r} på sikkerhetskopien.")
    return manifest


def _restore_database(work: Path, manifest: dict) -> None:
    url = _url()
    engine = url.get_backend_name()
    if manifest["engine"] != engine:
        raise BackupError(
            f"Sikkerhetskopien er fra {manifest['engine']}, men databasen er {engine}."
        )
    db.session.remove()
    db.engine.dispose()
    dump = work / manifest["database_file"]
    if engine == "sqlite":
        source = sqlite3.connect(dump)
        try:
            with sqlite3.connect(url.database) as live:
                source.backup(live)
        finally:
            source.close()
        return
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_args(url),
            str(dump),
        ],
        check=True,
        env=_pg_env(url),
        capture_output=True,
    )


def restore_backup(archive: Path) -> dict:
    """Replace the database and media with the archive's; returns its manifest."""
    media = Path(current_app.config["MEDIA_DIR"])
    with tempfile.TemporaryDirectory() as temp, tarfile.open(archive, "r:gz") as tar:
        manifest = _read_manifest(tar)
        tar.extractall(temp, filter="data")  # "data": no absolute paths, links out, devices
        work = Path(temp)
        _restore_database(work, manifest)
        if (work / "media").is_dir():
            shutil.rmtree(media, ignore_errors=True)
            shutil.copytree(work / "media", media)
    if _row_counts() != manifest["row_counts"]:
        raise BackupError("Tallet på rader stemmer ikke med sikkerhetskopien etter gjenoppretting.")
    return manifest


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(archive: Path) -> None:
    """Ta sikkerhetskopi av databasen og bildene til ARCHIVE (.tar.gz)."""
    manifest = make_backup(archive)
    rows = sum(manifest["row_counts"].values())
    click.echo(f"Sikkerhetskopi skrevet til {archive}: {manifest['engine']}, {rows} rader.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ja, erstatt databasen og bildene.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Gjenopprett databasen og bildene fra ARCHIVE. Stopp butikken først."""
    if not yes:
        raise click.UsageError("Gjenoppretting erstatter alt som er i databasen. Bruk --yes.")
    try:
        manifest = restore_backup(archive)
    except (BackupError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise click.ClickException(f"{error} {detail.decode(errors='replace')}".strip()) from error
    click.echo(f"Gjenopprettet fra {archive} (laget {manifest['created_at']}).")
