"""The worker: warmed up once, then a forked, memory-bounded work horse per job."""

from __future__ import annotations

import gc
import logging
import resource
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup
from rq import Worker
from rq.job import Job
from rq.queue import Queue
from rq.timeouts import JobTimeoutException, UnixSignalDeathPenalty

from service import database, heartbeat, outbox
from service.extensions import db, rq
from service.guide import rendering
from service.redis_breaker import BREAKER

log = logging.getLogger(__name__)
cli = AppGroup("worker", help="The warm worker that runs the queued jobs.")


class JobTimeLimit(BaseException):
    """A job ran past its time limit.

    A BaseException, unlike RQ's JobTimeoutException: WeasyPrint catches `Exception` around each SVG
    image it draws, so RQ's alarm landing there was logged and swallowed, and the render went on.
    """


class HardDeathPenalty(UnixSignalDeathPenalty):
    """RQ's SIGALRM time limit, raising what no library's `except Exception` can swallow."""

    def handle_death_penalty(self, signum: int, frame: FrameType | None) -> None:
        if issubclass(self._exception, JobTimeoutException):
            raise JobTimeLimit(f"the job ran past its time limit of {self._timeout} s")
        super().handle_death_penalty(signum, frame)


class WarmWorker(Worker):
    """RQ's forking worker whose parent has imported and warmed WeasyPrint, so each job starts hot.

    Flask-RQ's own worker starts a fresh interpreter per job (about a second of imports before a render);
    a fork of a warm parent starts in milliseconds, and still gives each job its own process, so memory
    cannot grow across jobs and a job past its time limit is killed without harming the worker.
    """

    memory_limit_bytes: int | None = None
    death_penalty_class = HardDeathPenalty

    def execute_job(self, job: Job, queue: Queue) -> None:
        """In the parent, before forking a render: have today's statistics computed, so every horse inherits them."""
        if job.func_name == outbox.job_path(rendering.fulfil):
            prime()
        super().execute_job(job, queue)

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """In the forked child: bound its memory, drop inherited DB connections, then run the job."""
        if self.memory_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_limit_bytes, self.memory_limit_bytes))
        db.engine.dispose(close=False)  # never share a connection with the parent
        super().main_work_horse(job, queue)


def prime(warm_insert: bool = False) -> None:
    """Compute the current data's statistics in this process (once per data state) and parse the edition's
    personal base (once per base), and with `warm_insert` render one personal insert from them, so fonts,
    shaping and table layout are warm as a job uses them. Never fails a job for it."""
    import pdf
    from service.guide import context

    try:
        generic = context.prime()
        if generic:
            rendering.prepare_personal_base(generic["edition"]["year"])
        if warm_insert and generic and generic["bands"]:
            band, city = generic["bands"][0], generic["cities"][0]
            sample = {"role": band["role"], "seniority": band["seniority"], "salary": band["p50"] or 100_000.0,
                      "currency": "USD", "city": city["city_id"]}
            pdf.render_personal_insert(context.build(generic["edition"]["year"], personal=sample))
    except Exception:
        log.exception("could not prepare the guide statistics or the personal base before a render")
    finally:
        database.release_session()  # hold no connection open while the horse works (one dropped by a restart too)


def make_worker(queue_names: tuple[str, ...]) -> WarmWorker:
    """A warm worker for the app's queues (all of them, in configured order, when none are named)."""
    import pdf

    pdf.warm_up()
    prime(warm_insert=True)
    # Everything imported and warmed so far lives as long as the worker: keep it out of the cyclic
    # collector, which otherwise walks it again in every job (0.1-0.2 s a render).
    gc.collect()
    gc.freeze()
    known = rq.queues
    queues = [known[name] for name in queue_names] if queue_names else list(known.values())
    worker = WarmWorker(queues, connection=queues[0].connection, job_class=queues[0].job_class)
    limit_mb = current_app.config["WORKER_MEMORY_LIMIT_MB"]
    worker.memory_limit_bytes = int(limit_mb) * 1024 * 1024 if limit_mb else None
    return worker


@cli.command("run")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
def run_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run a worker on QUEUES (default: render, email, default) until interrupted."""
    BREAKER.switch_off()
    worker = make_worker(queues)
    log.info("worker warmed up, listening on %s", ", ".join(q.name for q in worker.queues))
    # With the scheduler part on, a worker moves retries due after their back-off (and jobs enqueued for
    # later) back onto their queues; RQ lets one worker at a time hold that role.
    heartbeat.keep_beating("worker", worker.name, worker.connection)  # /readyz and the dashboard show it
    worker.work(burst=burst, with_scheduler=True)
