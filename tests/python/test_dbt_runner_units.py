"""run_dbt without dbt: what it does with the outcomes dbtRunner returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dbt.cli.main
import pytest

from conftest import make_settings
from leadscore.running.dbt_runner import run_dbt

BUSY = "Resource In Use Error: connection is busy with another call; it refuses instead of waiting"


@dataclass
class Outcome:
    success: bool
    exception: BaseException | None = None
    result: object = None


def scripted_runner(monkeypatch: pytest.MonkeyPatch, outcomes: list[Outcome]) -> list[list[str]]:
    """dbtRunner replaced by one returning `outcomes` in turn; returns the commands it was given."""
    invoked: list[list[str]] = []

    class Runner:
        def __init__(self, callbacks: list) -> None:
            pass

        def invoke(self, command: list[str]) -> Outcome:
            invoked.append(command)
            return outcomes[len(invoked) - 1]

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    return invoked


def test_a_busy_connection_is_invoked_again_and_the_second_answer_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [Outcome(False, RuntimeError(BUSY)), Outcome(False, RuntimeError("the real message"))]
    invoked = scripted_runner(monkeypatch, answers)
    result = run_dbt(make_settings(tmp_path, tmp_path), ["compile"])
    assert len(invoked) == 2 and invoked[0] == invoked[1]
    assert not result.success and result.error == "the real message"


@pytest.mark.parametrize("outcome", [Outcome(False, RuntimeError("a model failed")), Outcome(True)])
def test_other_outcomes_are_invoked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outcome: Outcome) -> None:
    invoked = scripted_runner(monkeypatch, [outcome, Outcome(True)])
    result = run_dbt(make_settings(tmp_path, tmp_path), ["compile"])
    assert len(invoked) == 1 and result.success == outcome.success
