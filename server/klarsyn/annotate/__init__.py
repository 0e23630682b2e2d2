"""Writing findings back into the author's own file (``klarsyn annotate``).

``notes`` turns findings into what any office format needs (a comment on a range of the
extracted text, tracked changes for the safe fixes); ``docx`` writes them into a Word file.
An OpenDocument writer would take the same notes and write office:annotation and
text:tracked-changes."""
