"""Handlers of the sample shop project."""
