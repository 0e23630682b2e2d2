"""The rule types, one module each (see klarsyn.engine.rules for the closed set)."""
