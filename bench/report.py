"""The goals of issue 10, checked against a run's figures, and the printed table."""

from typing import Any


def _get(data: dict, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _row(goal: str, measured: Any, met: bool | None) -> dict:
    return {"goal": goal, "measured": measured, "met": met}


def _check(value: Any, test) -> bool | None:
    return None if value is None else bool(test(value))


def goals(report: dict) -> list[dict]:
    """One row per goal: what was measured and whether it met the goal."""
    s = report.get("scenarios", {})
    overlaps = _get(report, "overlaps_at_end")
    total_overlaps = sum(overlaps.values()) if overlaps else None
    layer = _get(s, "fanout", "chosen")
    fan = _get(s, "fanout", "layers", layer) if layer else None
    ratio = _get(s, "throughput", "booking_to_me_ratio")
    book_p95 = _get(s, "throughput", "booking", "latency", "p95_ms")
    search_p95 = _get(s, "search", "clinic", "latency", "p95_ms")
    history = _get(s, "search", "history", "p95_ratio")
    fan_p95 = _get(fan or {}, "delivery", "p95_ms")
    lost = _get(fan or {}, "messages_lost")
    train = _get(s, "forecaster", "train_seconds")
    score = _get(s, "forecaster", "score_seconds")
    return [
        _row(
            "overlapping active appointments = 0",
            total_overlaps,
            _check(total_overlaps, lambda v: v == 0),
        ),
        _row(
            "booking throughput >= 0.5 x GET /me",
            ratio,
            _check(ratio, lambda v: v >= 0.5),
        ),
        _row("booking p95 < 100 ms", book_p95, _check(book_p95, lambda v: v < 100)),
        _row(
            "slot search p95 < 50 ms", search_p95, _check(search_p95, lambda v: v < 50)
        ),
        _row(
            "slot search p95, 100k / 1k history <= 1.3",
            history,
            _check(history, lambda v: v <= 1.3),
        ),
        _row(
            f"fan-out p95 < 100 ms ({layer})",
            fan_p95,
            _check(fan_p95, lambda v: v < 100),
        ),
        _row("fan-out messages lost = 0", lost, _check(lost, lambda v: v == 0)),
        _row("training < 60 s", train, _check(train, lambda v: v < 60)),
        _row("scoring all doctors < 1 s", score, _check(score, lambda v: v < 1)),
    ]


def _lines(report: dict) -> list[tuple[str, str]]:
    s = report.get("scenarios", {})
    lines = []
    races = _get(s, "contention", "races")
    if races:
        lines.append(
            (
                "contention",
                f"{races['rounds']} rounds x {races['clients_per_round']}: "
                f"{races['successes']} booked, {races['conflicts_409']} x 409, "
                f"other {races['other_statuses'] or 0}; rounds by winners "
                f"{races['rounds_by_winners']}",
            )
        )
    storm = _get(s, "contention", "storm")
    if storm and "statuses" in storm:
        lines.append(
            ("storm", f"{storm['requests']} requests, statuses {storm['statuses']}")
        )
    throughput = _get(s, "throughput")
    if throughput and "booking" in throughput:
        for name in ("booking", "get_me"):
            part = throughput[name]
            latency = part["latency"]
            lines.append(
                (
                    name,
                    f"{part['requests_per_second']} req/s, p50 "
                    f"{latency.get('p50_ms')} p95 {latency.get('p95_ms')} p99 "
                    f"{latency.get('p99_ms')} ms, statuses {part['statuses']}"
                    + _cpu(part),
                )
            )
    search = _get(s, "search")
    if search and "clinic" in search:
        for label, part in (
            ("slot search", search["clinic"]),
            ("search 1k history", search["history"]["light"]),
            ("search 100k history", search["history"]["heavy"]),
        ):
            latency = part["latency"]
            rate = part.get("requests_per_second")
            lines.append(
                (
                    label,
                    (f"{rate} req/s, " if rate else "alternating, ")
                    + f"p50 {latency.get('p50_ms')}"
                    f" p95 {latency.get('p95_ms')} p99 {latency.get('p99_ms')} ms"
                    + _cpu(part),
                )
            )
    for layer, part in (_get(s, "fanout", "layers") or {}).items():
        delivery = part.get("delivery", {})
        lines.append(
            (
                f"fan-out {layer}",
                f"{part.get('subscribers')} sockets x {part.get('bookings')} "
                f"bookings: p50 {delivery.get('p50_ms')} p95 {delivery.get('p95_ms')}"
                f" max {delivery.get('max_ms')} ms, lost {part.get('messages_lost')}"
                if "delivery" in part
                else part.get("error", "?"),
            )
        )
    model = _get(s, "forecaster")
    if model and "train_seconds" in model:
        lines.append(
            (
                "forecaster",
                f"{model['doctors']} doctors, {model['appointments']} appointments: "
                f"train {model['train_seconds']} s ({model['epochs']} epochs), "
                f"score {model['score_seconds']} s",
            )
        )
    for name, part in s.items():
        if isinstance(part, dict) and "error" in part:
            lines.append((name, f"FAILED: {part['error']}"))
    return lines


def _cpu(part: dict) -> str:
    cpu = part.get("cpu_ms_per_request") or {}
    if not cpu:
        return ""
    return f"; CPU/req app {cpu['app']} pg {cpu['postgres']} client {cpu['client']} ms"


def print_table(report: dict) -> None:
    machine = report["machine"]
    print()
    print(
        f"bench {report['mode']} run {report['date']} at {report['commit']}, "
        f"load {machine['loadavg_start']} -> {machine.get('loadavg_end')}, "
        f"{report.get('total_seconds')} s"
    )
    for name, text in _lines(report):
        print(f"  {name:<20} {text}")
    print()
    print(f"  {'goal':<45} {'measured':>10}  met")
    for row in report["goals"]:
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        print(f"  {row['goal']:<45} {row['measured']!s:>10}  {met}")


def markdown(report: dict) -> str:
    """The run's table and goals as Markdown, for bench/README.md."""
    machine = report["machine"]
    out = [
        f"Run of {report['date']} at commit {report['commit']} "
        f"(`{report['command']}`), {report['total_seconds']} s, on "
        f"{machine['cpus']} cores; load average (1, 5, 15 min) "
        f"{machine['loadavg_start']} at the start, "
        f"{machine.get('loadavg_end')} at the end. Servers on the "
        f"`{_get(report, 'servers', 'channel_layer')}` layer, rate limits off.",
        "",
        "| scenario | measured |",
        "| --- | --- |",
    ]
    out += [f"| {name} | {text} |" for name, text in _lines(report)]
    out += ["", "| goal | measured | met |", "| --- | --- | --- |"]
    for row in report["goals"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        out.append(f"| {row['goal']} | {row['measured']} | {met} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    print(markdown(json.loads(Path(sys.argv[1]).read_text())), end="")
