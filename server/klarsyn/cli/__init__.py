"""The ``klarsyn`` command. It never imports the language-server stack."""
