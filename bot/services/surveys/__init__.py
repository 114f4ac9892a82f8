"""Leefbaarheid surveys: built by a coordinator, answered by opted-in residents per kern, counted without names."""
