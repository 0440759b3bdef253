"""The `flask bkm` command group; each domain contributes its own commands."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

bkm_group = AppGroup("bkm", help="Brukte Kontormøbler: drift og demodata.")


def init_app(app: Flask) -> None:
    from bkm.backup import backup_command, restore_command
    from bkm.demo.cli import seed_command
    from bkm.mail.cli import mail_group
    from bkm.privacy.retention_cli import retention_group

    if "seed" not in bkm_group.commands:
        bkm_group.add_command(seed_command)
    if "mail" not in bkm_group.commands:
        bkm_group.add_command(mail_group)
    if "retention" not in bkm_group.commands:
        bkm_group.add_command(retention_group)
    for command in (backup_command, restore_command):
        if command.name not in bkm_group.commands:
            bkm_group.add_command(command)
    app.cli.add_command(bkm_group)
