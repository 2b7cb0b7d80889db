"""Challenge services, one module per part of a challenge's life."""
