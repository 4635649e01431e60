"""replay_models: which models a backtest builds once and which every scored day, on a hand-made
manifest graph."""

from __future__ import annotations

from types import SimpleNamespace

from leadscore.evaluation.backtest import replay_models


def _model(name: str, parents=(), macros=(), tags=(), folder: str = "intermediate") -> tuple[str, SimpleNamespace]:
    uid = f"model.leadscore.{name}"
    node = SimpleNamespace(
        resource_type="model",
        name=name,
        fqn=["leadscore", folder, name],
        tags=list(tags),
        depends_on=SimpleNamespace(nodes=[f"model.leadscore.{p}" for p in parents], macros=list(macros)),
    )
    return uid, node


def _macro(name: str, calls=()) -> tuple[str, SimpleNamespace]:
    return f"macro.leadscore.{name}", SimpleNamespace(
        depends_on=SimpleNamespace(macros=[f"macro.leadscore.{c}" for c in calls])
    )


def test_as_of_readers_and_their_descendants_run_every_day() -> None:
    nodes = dict(
        [
            _model("stg_events"),
            _model("quarantine_events", ["stg_events"], ["macro.leadscore.as_of_date"], folder="quarantine"),
            _model(
                "events_checked", ["stg_events", "quarantine_events"], ["macro.leadscore.as_of_date"], ["landed_events"]
            ),
            _model("activity_stored", ["events_checked"]),
            _model("rules"),
            # reads the as-of day only through another macro
            _model("activity", ["activity_stored"], ["macro.leadscore.window_start"]),
            _model("points", ["activity", "rules"]),
            _model("history", ["points"]),
            _model("unrelated", [], ["macro.leadscore.as_of_date"]),
        ]
    )
    macros = dict([_macro("window_start", ["as_of_date"]), _macro("as_of_date", ["as_of_date_string"])])
    once, daily = replay_models(nodes, macros, "history")
    assert once == ["activity_stored", "events_checked", "rules", "stg_events"]
    assert daily == ["activity", "history", "points"]
