"""The models, one module per domain; importing this package registers them all."""

from service.models.audit import Erasure, ExportRecord
from service.models.base import Base
from service.models.guides import Edition, EditionStatus, GuideRequest, RenderedPdf, RequestStatus
from service.models.mail import EmailKind, EmailStatus, SentEmail
from service.models.metrics import Download, PageView
from service.models.outbox import OutboxMessage
from service.models.salaries import DataSnapshot, FeedRun, Listing, SnapshotSource
from service.models.schedule import ScheduleRun
from service.models.staff import StaffUser
from service.models.subscribers import ConsentEvent, ConsentKind, Subscriber, SubscriberStatus
from service.models.sync import PushAction, PushStatus, SyncPush, SyncState

__all__ = [
    "Base",
    "ConsentEvent",
    "ConsentKind",
    "DataSnapshot",
    "Download",
    "Edition",
    "EditionStatus",
    "EmailKind",
    "EmailStatus",
    "Erasure",
    "ExportRecord",
    "FeedRun",
    "GuideRequest",
    "Listing",
    "OutboxMessage",
    "PageView",
    "PushAction",
    "PushStatus",
    "RenderedPdf",
    "SnapshotSource",
    "RequestStatus",
    "ScheduleRun",
    "SentEmail",
    "StaffUser",
    "Subscriber",
    "SubscriberStatus",
    "SyncPush",
    "SyncState",
]
