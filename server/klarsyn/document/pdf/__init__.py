"""PDF front end: the published programme, read as a reader sees it.

The bytes are parsed in a child process (worker.py, run by sandbox.py) with PDFium
(pypdfium2: characters, boxes, marked content) and qpdf (pikepdf: catalog, structure tree,
fonts), so a hostile file can cost at most a time and memory budget and never the caller.
The child sends plain data back: per page the lines with their boxes and tag roles
(extract.py, tags.py), and the facts the accessibility checks read (structure.py, facts.py).
A long file is read by two children at once (parts.py). The parent puts the lines in reading
order and builds the Document (reading.py, build.py).
"""
