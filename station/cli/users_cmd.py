"""``station users``: add, passwd, list. Passwords come from a prompt or a named environment variable."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from station.app.cli import user_service
from station.cli.common import add_url_option, database_from, print_json
from station.domain.enums import Role
from station.domain.errors import ValidationError
from station.services.admin import UserService


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="user accounts and roles")
    sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="create a user (the first admin too: there is no default password)")
    add.add_argument("username")
    add.add_argument("--email", required=True)
    add.add_argument("--full-name")
    add.add_argument("--role", action="append", choices=[r.value for r in Role], required=True,
                     help="repeat for several roles")
    add.add_argument("--password-env", metavar="VAR",
                     help="read the password from environment variable VAR instead of prompting")
    add_url_option(add)
    add.set_defaults(func=_add)

    passwd = sub.add_parser("passwd", help="set a user's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-env", metavar="VAR")
    add_url_option(passwd)
    passwd.set_defaults(func=_passwd)

    unlock = sub.add_parser("unlock", help="lift the lock-out after repeated failed logins")
    unlock.add_argument("username")
    add_url_option(unlock)
    unlock.set_defaults(func=_unlock)

    lst = sub.add_parser("list", help="list users and their roles")
    lst.add_argument("--json", action="store_true")
    add_url_option(lst)
    lst.set_defaults(func=_list)


def read_password(env_var: str | None) -> str:
    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise ValidationError(f"environment variable {env_var} is empty or not set")
        return value
    if not sys.stdin.isatty():
        raise ValidationError("no terminal to prompt for a password: use --password-env VAR")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise ValidationError("the two passwords differ")
    return first


def _service(args: argparse.Namespace) -> UserService:
    return user_service(database_from(args))


def _add(args: argparse.Namespace) -> int:
    service = _service(args)
    user = service.add_user(args.username, args.email, read_password(args.password_env), args.role, args.full_name)
    print(f"created user {user.username} (id {user.user_id}) with roles {', '.join(user.roles)}")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    _service(args).change_password(args.username, read_password(args.password_env))
    print(f"password of {args.username} changed")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    _service(args).unlock(args.username)
    print(f"{args.username} unlocked")
    return 0


def _list(args: argparse.Namespace) -> int:
    users = _service(args).list_users()
    if args.json:
        print_json([
            {"user_id": u.user_id, "username": u.username, "email": u.email, "full_name": u.full_name,
             "roles": list(u.roles), "is_active": u.is_active, "last_login_at": u.last_login_at}
            for u in users
        ])
        return 0
    for u in users:
        state = "" if u.is_active else " (disabled)"
        print(f"{u.user_id:>4}  {u.username:<20} {','.join(u.roles):<20} {u.email}{state}")
    if not users:
        print("no users yet: create the first admin with `station users add NAME --email E --role admin`")
    return 0
