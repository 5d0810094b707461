"""Jobs: plain importable functions that take ids, run in an app context by Flask-RQ."""

from __future__ import annotations


def render_guide(request_id: int) -> str:
    """Render (or reuse) the PDF for a guide request and mark it ready."""
    from service.guide import rendering

    return rendering.fulfil(request_id)


def relay_outbox() -> int:
    """Hand Redis whatever the outbox still holds (after Redis was down)."""
    from service import queue

    return queue.relay()
