"""The digest benchmark (``python -m tests.bench.digest``) under pytest, marker ``bench``."""

from __future__ import annotations

import pytest

from tests.bench import digest


@pytest.mark.bench
def test_digest_benchmark_sends_every_due_digest_once():
    # when: 1,000 then 10,000 due members of seed_demo --scale large (prints times,
    # queries and memory)
    results = digest.main(["--members", "1000,10000"])
    # then: every due member was handled once: a message, or none when nothing was new
    for result in results:
        states = result["states"]
        assert set(states) <= {"sent", "empty"}, states
        assert states["sent"] + states.get("empty", 0) == result["members"]
        assert result["smtp_messages"] == states["sent"]
    # and queries per member do not grow with the number of members
    small, large = results
    assert large["queries_per_member"] <= small["queries_per_member"] + 0.5
