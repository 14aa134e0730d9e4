"""`make bench` prints measurements and asserts nothing about them; here only its shape is checked."""

from genmodels import bench, runs


def test_training_times_cover_every_shipped_run():
    times = bench.training_times()
    assert len(times) == 2 * len(runs.target_configs("all"))
    assert all(isinstance(value, float) for value in times.values())


def test_main_prints_one_section_per_measure(monkeypatch, capsys):
    for name in ("quality", "training_speed", "training_times", "one_off_costs", "render_times"):
        monkeypatch.setattr(bench, name, lambda name=name: {f"{name} value": 1.5})
    bench.main()
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("==")] == [
        "== model quality",
        "== training speed",
        "== training time, recorded",
        "== stored metrics, measured once",
        "== rendering",
    ]
    assert any(line.startswith("quality value") and line.endswith("1.50") for line in out)
