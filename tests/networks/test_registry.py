"""The registry: names to connectors, each imported the first time it is asked for."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import bedside.networks.registry as registry
from bedside.errors import BedsideError
from bedside.networks import (
    Network,
    NetworkContext,
    NetworkImportError,
    UnknownNetwork,
    get_network,
    names,
    register,
)
from bedside.networks.outbox import OutboxNetwork

PLUGIN = "bedside_test_plugin_network"


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let each test register what it likes without leaving it registered."""
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for plugin modules written by the test."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop(PLUGIN, None)


def write_plugin(where: Path, body: str) -> None:
    (where / f"{PLUGIN}.py").write_text(textwrap.dedent(body))


def test_the_outbox_is_registered_and_satisfies_the_protocol(tmp_path: Path) -> None:
    assert "outbox" in names() and names() == sorted(names())
    network = get_network("outbox", NetworkContext(data_dir=tmp_path))
    assert isinstance(network, OutboxNetwork) and isinstance(network, Network)
    assert network.name == "outbox" and network.limits.max_length == 5000


def test_an_unknown_network_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownNetwork) as caught:
        get_network("mastodn", NetworkContext(data_dir=tmp_path))
    message = str(caught.value)
    assert isinstance(caught.value, BedsideError)
    assert "'mastodn'" in message and "outbox" in message and "\n" not in message


def test_importing_the_package_does_not_import_the_outbox(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import bedside.networks as networks
        assert "bedside.networks.outbox" not in sys.modules, "imported too early"
        networks.get_network("outbox", networks.NetworkContext(Path({str(tmp_path)!r})))
        assert "bedside.networks.outbox" in sys.modules, "not imported on use"
        assert networks.OutboxNetwork.__module__ == "bedside.networks.outbox"
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_registered_plugin_is_imported_on_first_use(plugin_dir: Path) -> None:
    write_plugin(
        plugin_dir,
        """
        from bedside.networks.outbox import OutboxNetwork

        class EchoNetwork(OutboxNetwork):
            name = "echo"

            def __init__(self, context):
                super().__init__(context)
                self.context = context
        """,
    )
    register("echo", f"{PLUGIN}:EchoNetwork")
    assert "echo" in names()
    assert PLUGIN not in sys.modules

    context = NetworkContext(data_dir=plugin_dir / "data")
    network = get_network("echo", context)
    assert PLUGIN in sys.modules
    assert type(network).__name__ == "EchoNetwork" and network.name == "echo"
    assert network.context is context  # type: ignore[attr-defined]


def test_a_plugin_that_cannot_be_imported_says_so(tmp_path: Path) -> None:
    register("ghost", "bedside_no_such_module_anywhere:Ghost")
    with pytest.raises(NetworkImportError, match="Cannot import bedside_no_such_module_anywhere"):
        get_network("ghost", NetworkContext(data_dir=tmp_path))


def test_a_plugin_without_its_class_or_the_protocol_is_refused(plugin_dir: Path) -> None:
    write_plugin(
        plugin_dir,
        """
        class NotANetwork:
            def __init__(self, context):
                pass
        """,
    )
    context = NetworkContext(data_dir=plugin_dir)
    register("missing", f"{PLUGIN}:Missing")
    with pytest.raises(NetworkImportError, match="has no class Missing"):
        get_network("missing", context)
    register("half", f"{PLUGIN}:NotANetwork")
    with pytest.raises(NetworkImportError, match="does not implement Network"):
        get_network("half", context)


@pytest.mark.parametrize(
    ("name", "target", "problem"),
    [
        ("Bad Name", "pkg.mod:Class", "network name"),
        ("fine", "pkg.mod.Class", "expected 'package.module:Class'"),
        ("outbox", "pkg.mod:Other", "already registered"),
    ],
)
def test_register_refuses_bad_names_targets_and_silent_replacement(
    name: str, target: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        register(name, target)
    assert registry._TARGETS["outbox"] == "bedside.networks.outbox:OutboxNetwork"


def test_register_replaces_only_when_asked() -> None:
    register("outbox", "bedside.networks.outbox:OutboxNetwork")  # the same target: a no-op
    register("outbox", "pkg.mod:Other", replace=True)
    assert registry._TARGETS["outbox"] == "pkg.mod:Other"


def test_every_network_of_the_issue_is_registered() -> None:
    assert names() == ["bluesky", "facebook", "instagram", "linkedin", "mastodon", "outbox",
                       "threads", "x"]


def test_network_class_imports_without_building(plugin_dir: Path) -> None:
    write_plugin(plugin_dir, """
        built = []

        class Quiet:
            def __init__(self, context):
                built.append(context)
        """)
    register("quiet", f"{PLUGIN}:Quiet")
    cls = registry.network_class("quiet")
    assert cls.__name__ == "Quiet" and sys.modules[PLUGIN].built == []
    with pytest.raises(UnknownNetwork, match="'nope'"):
        registry.network_class("nope")
