"""Bytes to :class:`~klarsyn.document.model.Document`, one front end per format."""
