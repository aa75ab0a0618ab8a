"""Prometheus metrics of one server process, on a registry of its own (no global state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.connections = Gauge(
            "metrokawa_connections", "Open WebSocket connections", registry=self.registry
        )
        self.events_appended = Counter(
            "metrokawa_events_appended", "Events durably appended to logs", registry=self.registry
        )
        self.commits = Counter(
            "metrokawa_commits",
            "Group commits (transactions) of the writers",
            registry=self.registry,
        )
        self.fanout_seconds = Histogram(
            "metrokawa_fanout_seconds",
            "From an event's commit to its frame written to one connection",
            buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "metrokawa_queue_depth",
            "Items waiting: commands in the writers' queues, frames in connections' outboxes",
            ["queue"],
            registry=self.registry,
        )
        self.rejections = Counter(
            "metrokawa_rejections",
            "Commands or frames refused, by code",
            ["code"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
