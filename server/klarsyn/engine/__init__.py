"""Rule selection and the runner that applies checks to a document."""
