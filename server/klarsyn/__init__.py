"""klarsyn: plain-language, readability and universal-design checks for Norwegian drafts."""

__version__ = "0.1.0"
