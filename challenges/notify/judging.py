"""Notifications: judging."""
