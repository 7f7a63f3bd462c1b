"""Deprecation chores: uses of upstream deprecated names, and a project's own deprecations."""
