"""The demo's planted target-client portrait: the A clients' industry and region, the "future A"
clients, and a planting that leaves every other draw (the sales, owners, potentials) where it was."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.demo import DEMO_FACTS
from salesaudit.demo import clients as demo_clients
from salesaudit.demo.story import I_DUPLICATE_NAMES, PLANTED_NAMES, RANKS, _cid
from salesaudit.demo.timeline import _Calendar


def _clients(seed: int, *, planted: bool, monkeypatch) -> tuple[dict, dict]:
    with monkeypatch.context() as m:
        if not planted:
            m.setattr(demo_clients, "_plant_portrait", lambda clients: None)
        rng = np.random.default_rng(seed)
        clients = demo_clients._make_clients(rng, _Calendar())
        return clients, rng.bit_generator.state


def test_planting_moves_no_other_draw(monkeypatch):
    planted, state = _clients(20261125, planted=True, monkeypatch=monkeypatch)
    plain, plain_state = _clients(20261125, planted=False, monkeypatch=monkeypatch)
    assert state == plain_state  # the sales, deals and activities are drawn from this same stream
    for key in planted:
        if key in ("industry", "region"):
            assert (planted[key] != plain[key]).sum() > 20
        elif key == "registered":
            assert planted[key].equals(plain[key])
        else:
            np.testing.assert_array_equal(planted[key], plain[key])


def test_future_a_clients_are_none_of_the_other_planted_ones():
    ids = DEMO_FACTS["future_a_client_ids"]
    assert len(ids) == len(set(ids)) == 20
    others = {*RANKS, *PLANTED_NAMES, *(i for pair in I_DUPLICATE_NAMES for i in pair)}
    assert not set(ids) & {_cid(i) for i in others}
    assert DEMO_FACTS["a_portrait"] == {"industry": "Строительство", "region": "Москва"}


@pytest.fixture(scope="module")
def demo(demo_engagement):
    from salesaudit.engine.session import open_engagement

    s = open_engagement(demo_engagement)
    register = s.table("clients").set_index("client_id")
    return s.segment().set_index("client_id"), register


def test_a_clients_carry_the_portrait_far_more_often_than_the_others(demo):
    table, register = demo
    a = table.index[table["segment"] == "A"]
    others = register.index.difference(a)
    for column, value in DEMO_FACTS["a_portrait"].items():
        share_a = (register.loc[a, column] == value).mean()
        share_others = (register.loc[others, column] == value).mean()
        assert share_a >= 0.45 and share_a >= 1.4 * share_others, (column, share_a, share_others)


def test_future_a_clients_have_the_portrait_and_are_b_or_c_buyers(demo):
    table, register = demo
    ids = pd.Index(DEMO_FACTS["future_a_client_ids"])
    for column, value in DEMO_FACTS["a_portrait"].items():
        assert (register.loc[ids, column] == value).all()
    assert table.loc[ids, "segment"].isin(["B", "C"]).all()
    assert (table.loc[ids, "revenue"] > 0).all()
