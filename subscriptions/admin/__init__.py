"""The newsletter's admin: subscribers (export, erasure), digests with their progress, deliveries."""

from .digests import DeliveryAdmin, DigestAdmin
from .subscribers import ERASED, SubscriberAdmin

__all__ = ["ERASED", "DeliveryAdmin", "DigestAdmin", "SubscriberAdmin"]
