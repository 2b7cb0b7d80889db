"""Notifications: solving."""
