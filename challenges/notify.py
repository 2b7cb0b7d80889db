"""Who hears about what happens to a challenge. Subscribed to the domain events in app.events."""
from __future__ import annotations
