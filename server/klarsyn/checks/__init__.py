"""Checks that are more than word lists; each has a stable rule id."""
