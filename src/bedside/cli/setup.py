"""`bedside init`, `member`, `account` and `strategy`: a practice, its people, accounts and plan."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.table import Table

from bedside.cli.env import Env, emit_json, pass_env
from bedside.errors import ProfileError
from bedside.networks import registry
from bedside.services import accounts, plan, workspaces
from bedside.strategy import dump_strategy_toml, load_strategy, load_strategy_file


@click.command()
@click.option("--practice", "practice_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The practice profile (TOML: name, specialty, phones, addresses, staff…).")
@click.option("--owner", default="owner@localhost", show_default=True,
              help="The owner's email address.")
@click.option("--timezone", help="The practice's IANA zone (default: the profile's, else UTC).")
@click.option("--strategy", "strategy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A strategy file (TOML or YAML) to start with.")
@click.option("--require-signoff/--no-require-signoff", default=False,
              help="Every version needs a reviewer's sign-off before it is scheduled.")
@pass_env
def init(env: Env, practice_file: Path, owner: str, timezone: str | None,
         strategy_file: Path | None, require_signoff: bool) -> None:
    """Create the practice's workspace from its profile."""
    try:
        profile = practice_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            f"cannot read practice profile {practice_file}: {exc}") from None
    strategy = load_strategy_file(strategy_file) if strategy_file else None
    actor = workspaces.init_workspace(env.store, profile_toml=profile, owner_email=owner,
                                      timezone=timezone, where=str(practice_file))
    if require_signoff:
        workspaces.set_require_signoff(env.store, actor, True)
    if strategy is not None:
        plan.set_strategy(env.store, actor, strategy)
    ws = workspaces.workspace(env.store, actor)
    env.console.print(f"created workspace [bold]{ws.slug}[/] ({ws.name}, {ws.timezone}) "
                      f"owned by {actor.email}; data in {env.settings.data_dir}")


@click.group()
def member() -> None:
    """The practice's people and their roles (owner, editor, reviewer)."""


@member.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["owner", "editor", "reviewer"]), required=True)
@pass_env
def member_add(env: Env, email: str, role: str) -> None:
    """Give someone a role in the practice."""
    workspaces.add_member(env.store, env.actor(), email, role)
    env.console.print(f"{email.strip().lower()} is now {role}")


@member.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["owner", "editor", "reviewer"]))
@pass_env
def member_role(env: Env, email: str, role: str) -> None:
    """Give a member another role (the practice always keeps an owner)."""
    workspaces.set_role(env.store, env.actor(), email, role)
    env.console.print(f"{email.strip().lower()} is now {role}")


@member.command("remove")
@click.argument("email")
@pass_env
def member_remove(env: Env, email: str) -> None:
    """Take a member out of the practice (what they did stays in the audit log)."""
    workspaces.remove_member(env.store, env.actor(), email)
    env.console.print(f"{email.strip().lower()} is no longer a member")


@member.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def member_list(env: Env, as_json: bool) -> None:
    """List members and roles."""
    rows = workspaces.members(env.store, env.actor())
    if as_json:
        emit_json([{"email": e, "role": r} for e, r in rows])
        return
    table = Table("email", "role")
    for e, r in rows:
        table.add_row(e, r)
    env.console.print(table)


@click.group()
def account() -> None:
    """Accounts on the networks."""


@account.command("add")
@click.argument("network")
@click.argument("handle")
@click.option("--kind", type=click.Choice(["practice", "personal"]), default="practice",
              show_default=True)
@click.option("--credential", "credentials", multiple=True, metavar="KEY",
              help="A credential name (token, app_password…); its value is asked for, hidden, "
                   "or read from BEDSIDE_CREDENTIAL_<KEY>.")
@click.option("--slot", "slots", multiple=True, metavar="'tue 09:30'",
              help="A queue slot for this account (repeat); default weekdays 09:00 and 13:00.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def account_add(env: Env, network: str, handle: str, kind: str, credentials: tuple[str, ...],
                slots: tuple[str, ...], as_json: bool) -> None:
    """Connect an account. Credentials are encrypted before they are stored."""
    secrets = {}
    for key in credentials:
        value = os.environ.get(f"BEDSIDE_CREDENTIAL_{key.upper()}")
        if value is None:
            value = click.prompt(f"{network} {key}", hide_input=True)
        secrets[key] = value
    if slots:
        plan.parse_slots(slots)
    view = accounts.add_account(env.store, env.settings, env.actor(), network=network,
                                handle=handle, kind=kind, credentials=secrets or None,
                                options={"slots": list(slots)} if slots else None)
    if as_json:
        emit_json(view.to_dict())
    else:
        env.console.print(f"added account {view.id}: {view.label} ({view.kind})")


# What `account connect` asks for when no --credential is given and no browser step exists.
DEFAULT_CREDENTIALS = {"bluesky": ("app_password",)}
DEFAULT_REDIRECT = "http://127.0.0.1:8765/callback"


@account.command("connect")
@click.argument("network")
@click.argument("handle")
@click.option("--kind", type=click.Choice(["practice", "personal"]), default="practice",
              show_default=True)
@click.option("--credential", "credentials", multiple=True, metavar="KEY",
              help="Connect with this credential instead of a browser (access_token…); its value "
                   "is asked for, hidden, or read from BEDSIDE_CREDENTIAL_<KEY>.")
@click.option("--redirect-uri", envvar="BEDSIDE_OAUTH_REDIRECT_URI", default=DEFAULT_REDIRECT,
              show_default=True, help="Where the network sends the browser back (OAuth).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def account_connect(env: Env, network: str, handle: str, kind: str,
                    credentials: tuple[str, ...], redirect_uri: str, as_json: bool) -> None:
    """Connect an account through its network: an app password, or a browser (OAuth).

    The network checks what you give before anything is stored, encrypted.
    """
    name = network.strip().lower()
    browser = hasattr(registry.network_class(name), "authorization_url")
    if browser and not credentials:
        start = accounts.start_oauth(env.store, env.settings, env.actor(), network=network,
                                     handle=handle, redirect_uri=redirect_uri, kind=kind)
        if as_json:
            emit_json(start.to_dict())
            return
        env.console.print(f"Open this address, sign in as {start.handle} and allow bedside:")
        click.echo(start.url)
        env.console.print("Then run: bedside account callback '<the address you land on>'")
        return
    keys = credentials or DEFAULT_CREDENTIALS.get(name, ())
    secrets = {key: _secret(network, key) for key in keys}
    view = accounts.connect_account(env.store, env.settings, env.actor(), network=network,
                                    handle=handle, secrets=secrets, kind=kind)
    _connected(env, view, as_json)


@account.command("callback")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def account_callback(env: Env, address: str, as_json: bool) -> None:
    """Finish connecting: ADDRESS is where the browser landed after you allowed bedside."""
    view = accounts.finish_oauth(env.store, env.settings, env.actor(), callback_url=address)
    _connected(env, view, as_json)


def _secret(network: str, key: str) -> str:
    value = os.environ.get(f"BEDSIDE_CREDENTIAL_{key.upper()}")
    if value is None:
        value = click.prompt(f"{network} {key}", hide_input=True)
    return value


def _connected(env: Env, view: accounts.AccountView, as_json: bool) -> None:
    if as_json:
        emit_json(view.to_dict())
    else:
        env.console.print(f"connected account {view.id}: {view.label} ({view.kind})")


@account.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def account_list(env: Env, as_json: bool) -> None:
    """List accounts, with why any is paused."""
    rows = accounts.list_accounts(env.store, env.actor())
    if as_json:
        emit_json([a.to_dict() for a in rows])
        return
    table = Table("id", "network", "handle", "kind", "status", "why paused")
    for a in rows:
        table.add_row(str(a.id), a.network, a.handle, a.kind, a.status, a.paused_reason or "")
    env.console.print(table)


@account.command("pause")
@click.argument("ref")
@click.option("--reason", default=None, help="Why (shown beside the account).")
@pass_env
def account_pause(env: Env, ref: str, reason: str | None) -> None:
    """Pause an account: its scheduled posts wait."""
    view = accounts.set_paused(env.store, env.actor(), ref, paused=True, reason=reason)
    env.console.print(f"paused {view.label}: its scheduled posts wait")


@account.command("resume")
@click.argument("ref")
@pass_env
def account_resume(env: Env, ref: str) -> None:
    """Resume a paused account; its due posts go out (late ones are marked expired)."""
    view = accounts.set_paused(env.store, env.actor(), ref, paused=False)
    env.console.print(f"resumed {view.label}")


@click.group()
def strategy() -> None:
    """The practice's strategy: goals, audience, networks, cadence, promotional share."""


@strategy.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def strategy_show(env: Env, as_json: bool) -> None:
    """Print the strategy (TOML; the default one if none was set)."""
    actor = env.actor()
    current = plan.get_strategy(env.store, actor)
    if as_json:
        emit_json(current.model_dump(mode="json"))
        return
    if not plan.has_strategy(env.store, actor):
        click.echo("# no strategy set yet: this is the default (bedside strategy edit)")
    click.echo(dump_strategy_toml(current), nl=False)


@strategy.command("set")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def strategy_set(env: Env, file: Path) -> None:
    """Replace the strategy with a TOML or YAML file (validated first)."""
    plan.set_strategy(env.store, env.actor(), load_strategy_file(file))
    env.console.print(f"strategy set from {file}")


@strategy.command("edit")
@pass_env
def strategy_edit(env: Env) -> None:
    """Edit the strategy in $EDITOR; it is saved only if it is valid."""
    actor = env.actor()
    text = dump_strategy_toml(plan.get_strategy(env.store, actor))
    edited = click.edit(text, extension=".toml")
    if edited is None or edited == text:
        env.console.print("strategy unchanged")
        return
    plan.set_strategy(env.store, actor, load_strategy(edited, "toml"))
    env.console.print("strategy saved")
