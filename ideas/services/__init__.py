"""Domain rules for boards and ideas, split by topic. Plain functions with explicit arguments;
each commits its own transaction and raises app.errors_domain exceptions."""
