"""The klarsyn language server (pygls): one module per feature, wired in server.py."""
