"""The models, one module per domain; importing this package registers them all."""

from service.models.base import Base
from service.models.guides import Edition, EditionStatus, GuideRequest, RenderedPdf, RequestStatus
from service.models.outbox import OutboxMessage
from service.models.salaries import DataSnapshot, Listing
from service.models.subscribers import ConsentEvent, ConsentKind, Subscriber, SubscriberStatus

__all__ = [
    "Base",
    "ConsentEvent",
    "ConsentKind",
    "DataSnapshot",
    "Edition",
    "EditionStatus",
    "GuideRequest",
    "Listing",
    "OutboxMessage",
    "RenderedPdf",
    "RequestStatus",
    "Subscriber",
    "SubscriberStatus",
]
