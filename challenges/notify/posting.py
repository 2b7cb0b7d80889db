"""Notifications: posting."""
