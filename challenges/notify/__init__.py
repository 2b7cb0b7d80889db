"""Who hears about what happens to a challenge: subscribers to the domain events in app.events,
one module a part of a challenge's life, and the deadline reminders."""
